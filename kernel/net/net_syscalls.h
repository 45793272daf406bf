/* The socket system calls (socket_sys.c, socket_msg.c), for the dispatcher's table. */
#ifndef KEEL_NET_SYSCALLS_H
#define KEEL_NET_SYSCALLS_H

#include <keel/types.h>

typedef unsigned long ul;

long sys_socket(ul family, ul type, ul protocol);
long sys_socketpair(ul family, ul type, ul protocol, ul usockvec);
long sys_bind(ul fd, ul umyaddr, ul addrlen);
long sys_listen(ul fd, ul backlog);
long sys_connect(ul fd, ul uservaddr, ul addrlen);
long sys_accept(ul fd, ul upeer, ul upeer_len);
long sys_accept4(ul fd, ul upeer, ul upeer_len, ul flags);
long sys_getsockname(ul fd, ul usockaddr, ul usockaddr_len);
long sys_getpeername(ul fd, ul usockaddr, ul usockaddr_len);
long sys_shutdown(ul fd, ul how);
long sys_sendto(ul fd, ul buff, ul len, ul flags, ul addr, ul addr_len);
long sys_recvfrom(ul fd, ul ubuf, ul size, ul flags, ul addr, ul addr_len);
long sys_sendmsg(ul fd, ul umsg, ul flags);
long sys_recvmsg(ul fd, ul umsg, ul flags);
long sys_setsockopt(ul fd, ul level, ul optname, ul optval, ul optlen);
long sys_getsockopt(ul fd, ul level, ul optname, ul optval, ul optlen);

#endif
