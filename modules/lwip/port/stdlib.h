/*
 * <stdlib.h> for lwIP's files: netif.c parses interface numbers with atoi (names like "en0"),
 * mem.c includes it for malloc, which lwipopts.h maps to kmalloc instead.
 */
#ifndef LWIP_PORT_STDLIB_H
#define LWIP_PORT_STDLIB_H
#include <keel/string.h>

static inline int atoi(const char *s)
{
	long v = 0;

	return kstrtol(s, 10, &v) ? 0 : (int)v;
}
#endif
