/* <string.h> for lwIP's files, which include it for memcpy and friends: Keel's libk. */
#ifndef LWIP_PORT_STRING_H
#define LWIP_PORT_STRING_H
#include <keel/string.h>
#endif
