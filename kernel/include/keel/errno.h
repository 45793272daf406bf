/* Error numbers, with Linux's values; kernel functions return them negated (-ENOMEM). */
#ifndef KEEL_ERRNO_H
#define KEEL_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EACCES 13
#define EFAULT 14
#define ENOTBLK 15
#define EBUSY 16
#define EEXIST 17
#define EXDEV 18
#define ENODEV 19
#define ENOTDIR 20
#define EISDIR 21
#define EINVAL 22
#define ENFILE 23
#define EMFILE 24
#define ENOTTY 25
#define ETXTBSY 26
#define EFBIG 27
#define ENOSPC 28
#define ESPIPE 29
#define EROFS 30
#define EMLINK 31
#define EPIPE 32
#define EDOM 33
#define ERANGE 34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOLCK 37
#define ENOSYS 38
#define ENOTEMPTY 39
#define ELOOP 40
#define ENOMSG 42
#define ENODATA 61
#define ETIME 62
#define EOVERFLOW 75
#define EBADMSG 74
#define EILSEQ 84
/* Networking (Linux's values). */
#define EMSGSIZE 90
#define EADDRNOTAVAIL 99
#define ENETDOWN 100
#define ENOBUFS 105
#define ENETUNREACH 101
#define EHOSTUNREACH 113
#define EADDRINUSE 98
#define ECONNRESET 104  /* TCP: the peer reset; USB: an URB unlinked */
#define ECONNREFUSED 111
#define ENOTSOCK 88
#define EDESTADDRREQ 89
#define EPROTOTYPE 91
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EPFNOSUPPORT 96
#define EAFNOSUPPORT 97
#define ENETRESET 102
#define ECONNABORTED 103
#define EISCONN 106
#define ENOTCONN 107
#define EALREADY 114
/* Kernel-internal: never seen by user space (system calls restart or return EINTR). */
#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514 /* restart only when no handler ran */
#define ERESTART_RESTARTBLOCK 516
#define ENOIOCTLCMD 515 /* an ioctl a layer does not handle: the next layer may */
#define ENOTSUPP 524
#define EOPNOTSUPP 95
#define ETIMEDOUT 110
#define EPROTO 71       /* USB: a transaction error (CRC, babble, no answer) */
#define EINPROGRESS 115 /* USB: an URB's status while it is queued */
#define ESHUTDOWN 108   /* USB: the device or controller went away */
#define EUCLEAN 117 /* damaged on-disk structures (Linux: "Structure needs cleaning") */
#define ENOMEDIUM 123
#define EKEYREJECTED 129

/* Error pointers: a pointer in the top 4095 bytes of the address space carries an errno. */
#define MAX_ERRNO 4095
#define IS_ERR_VALUE(x) ((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline int IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline int IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR_VALUE((unsigned long)ptr); }

const char *errno_name(int err);

#endif
