/* The kernel command line: "key=value" options and bare flags, readable by any subsystem. */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>

const char *cmdline_get_raw(void);
/* Copies the value of key=value into buf; 0, or -ENOENT when absent, -E2BIG when buf is short. */
int cmdline_get(const char *key, char *buf, size_t size);
/* True when the bare word (or key=...) is present. */
bool cmdline_has(const char *word);
/* Calls fn for every token as (key, value-or-NULL); stops early when fn returns non-zero. */
int cmdline_for_each(int (*fn)(const char *key, const char *value, void *arg), void *arg);

#endif
