/*
 * Forced-include header (gcc -include) for every host unit test and the kernel sources it builds.
 *
 * libk defines memcpy, strlen, snprintf, isdigit... under their C library names, which would
 * clash with (or silently replace) the host libc's, and then ASan, printf and the test itself
 * would run on the code under test. So the host headers a test may want are included first,
 * and afterwards every libk name is renamed keel_<name> by macro: libk, the kernel sources and
 * the test all call the libk versions, the host libc keeps its own, and a test can compare
 * the two through the host_* aliases below. Add a line here when libk gains a libc-named
 * function.
 */
#ifndef KEEL_HOST_PRELUDE_H
#define KEEL_HOST_PRELUDE_H

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The host's own versions, for tests that check libk against them. */
__attribute__((unused)) static int (*const host_snprintf)(char *, size_t, const char *, ...) = snprintf;
__attribute__((unused)) static int (*const host_vsnprintf)(char *, size_t, const char *, va_list) = vsnprintf;
__attribute__((unused)) static int (*const host_strcmp)(const char *, const char *) = strcmp;
__attribute__((unused)) static size_t (*const host_strlen)(const char *) = strlen;

/* glibc's <sys/cdefs.h> has its own __always_inline; keel/compiler.h defines the kernel's. */
#undef __always_inline
/* <stdlib.h> brings libc's wait4 options; Keel's <keel/process.h> defines the same values. */
#undef WNOHANG
#undef WUNTRACED
#undef WCONTINUED

/* The kernel's dev_t (<keel/kdev_t.h>, 32 bits) is not glibc's (64 bits): renamed too. */
#define dev_t keel_dev_t

#define memcpy keel_memcpy
#define memmove keel_memmove
#define memset keel_memset
#define memcmp keel_memcmp
#define memchr keel_memchr
#define strlen keel_strlen
#define strnlen keel_strnlen
#define strcmp keel_strcmp
#define strncmp keel_strncmp
#define strchr keel_strchr
#define strrchr keel_strrchr
#define strstr keel_strstr
#define strlcpy keel_strlcpy
#define strlcat keel_strlcat
#define strspn keel_strspn
#define strcspn keel_strcspn
#define strsep keel_strsep
#define strcpy keel_strcpy
#define strncpy keel_strncpy
#define strcat keel_strcat
#define strdup keel_strdup
#define strndup keel_strndup
#define vsnprintf keel_vsnprintf
#define snprintf keel_snprintf
#define vscnprintf keel_vscnprintf
#define scnprintf keel_scnprintf
#define sprintf keel_sprintf
#define vsprintf keel_vsprintf
#define crc32 keel_crc32
#define glob_match keel_glob_match
#undef isdigit
#undef isxdigit
#undef isspace
#undef isalpha
#undef isalnum
#undef isprint
#undef tolower
#undef toupper
#define isdigit keel_isdigit
#define isxdigit keel_isxdigit
#define isspace keel_isspace
#define isalpha keel_isalpha
#define isalnum keel_isalnum
#define isprint keel_isprint
#define tolower keel_tolower
#define toupper keel_toupper

/* Declares the keel_ names, so a test that only included the host <string.h> still builds. */
#include <keel/string.h>

#endif
