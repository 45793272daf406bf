/*
 * lwIP's compiler and platform glue for Keel (lwIP's arch/cc.h contract, see lwip/arch.h):
 * Keel's fixed-width types and limits, the byte order functions as compiler builtins, and
 * diagnostics and assertions that print instead of aborting, so a failed lwIP assertion is
 * one logged line, never a dead kernel.
 */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H

#include <keel/types.h>

#define LWIP_NO_INTTYPES_H 1 /* freestanding: no <inttypes.h>; lwIP's default formats do */
#define LWIP_NO_LIMITS_H 1   /* <keel/types.h> has INT_MAX and friends */
#define LWIP_NO_CTYPE_H 1    /* lwIP's own isdigit & co. */
#define LWIP_NO_UNISTD_H 1
#define SSIZE_MAX LONG_MAX   /* ssize_t is Keel's (long), not lwIP's fallback int */
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

#define PACK_STRUCT_FIELD(x) x
#define PACK_STRUCT_STRUCT __attribute__((packed))
#define PACK_STRUCT_BEGIN
#define PACK_STRUCT_END

/* lwip_port.c: printk through KERN_DEBUG for LWIP_DEBUGF, KERN_ERR for assertions. */
int lwip_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, const char *file, int line);
u32 lwip_port_rand(void);
#define LWIP_PLATFORM_DIAG(x) do { lwip_port_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert(x, __FILE__, __LINE__)
#define LWIP_RAND() lwip_port_rand()

#endif
