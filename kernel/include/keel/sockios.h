/*
 * Socket ioctl numbers (Linux's <linux/sockios.h> and the asm-generic ones sockets take):
 * the family's own (SIOCINQ...) and the netdev ioctls of kernel/net/dev_ioctl.c.
 */
#ifndef KEEL_SOCKIOS_H
#define KEEL_SOCKIOS_H

#define SIOCINQ 0x541B    /* FIONREAD: bytes of the next datagram, or queued bytes */
#define SIOCOUTQ 0x5411   /* TIOCOUTQ: bytes not yet sent */
#define SIOCATMARK 0x8905 /* at the urgent mark (never: no urgent data) */

#define SIOCADDRT 0x890B  /* struct rtentry */
#define SIOCDELRT 0x890C
#define SIOCGIFNAME 0x8910 /* struct ifreq from here on */
#define SIOCGIFCONF 0x8912 /* struct ifconf */
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCSIFDSTADDR 0x8918
#define SIOCGIFBRDADDR 0x8919
#define SIOCSIFBRDADDR 0x891a
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC 0x891d
#define SIOCSIFMETRIC 0x891e
#define SIOCGIFMTU 0x8921
#define SIOCSIFMTU 0x8922
#define SIOCSIFNAME 0x8923
#define SIOCSIFHWADDR 0x8924
#define SIOCGIFHWADDR 0x8927
#define SIOCADDMULTI 0x8931 /* ifr_hwaddr onto the multicast list (`ip maddr add`) */
#define SIOCDELMULTI 0x8932
#define SIOCGIFINDEX 0x8933
#define SIOCGIFTXQLEN 0x8942
#define SIOCSIFTXQLEN 0x8943
#define SIOCGIFMAP 0x8970
#define SIOCSIFMAP 0x8971

#endif
