/* libk: the freestanding string, formatting and number-parsing routines. */
#ifndef KEEL_STRING_H
#define KEEL_STRING_H

#include <stdarg.h>
#include <keel/compiler.h>
#include <keel/types.h>
/* snprintf and friends live in <keel/sprintf.h> (as in Linux); included here because libk's
 * users have always found them through this header. */
#include <keel/sprintf.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strsep(char **s, const char *delim);


/* Parse a whole string as a number; base 0 accepts 0x/0 prefixes. 0 or -EINVAL/-ERANGE. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtol(const char *s, unsigned int base, long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtobool(const char *s, bool *res);
/* A byte count with an optional K, M or G suffix (powers of 1024, either case): "64M". 0 or
 * -EINVAL (empty, not a number, overflow). Linux: memparse, but strict. */
int kstrtosize(const char *s, unsigned long long *bytes);

u32 crc32(u32 crc, const void *buf, size_t len);
/* Shell-style wildcards: '*', '?', '[abc]', '[a-z]', '[!x]'. */
bool glob_match(const char *pattern, const char *str);

static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isxdigit(int c) { return isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
static inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static inline int isalpha(int c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static inline int isalnum(int c) { return isalpha(c) || isdigit(c); }
static inline int isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int tolower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }
static inline int toupper(int c) { return (c >= 'a' && c <= 'z') ? c - 32 : c; }

#endif
