/* The kernel command line: "key=value" options and bare flags, readable by any subsystem. */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>

/* The longest command line taken, NUL included (Linux's COMMAND_LINE_SIZE is 2048 on x86). */
#define COMMAND_LINE_MAX 8192

/* The command line as the boot loader gave it, whole ("" when there was none). Any context. */
const char *cmdline_get_raw(void);
/*
 * Copies the value of key=value into buf (the last occurrence wins, as in Linux). Returns 0,
 * -ENOENT when absent, or -E2BIG when the value does not fit in buf: then it also prints one
 * error line and buf must not be used. Any context after boot parsing; like get_option().
 */
int cmdline_get(const char *key, char *buf, size_t size);
/* True when the bare word (or key=...) is present. */
bool cmdline_has(const char *word);
/*
 * Calls fn for every option as (key, value-or-NULL), quotes removed, at full length; stops
 * early and returns fn's value when it is non-zero, else 0. Like Linux's parse_args().
 */
int cmdline_for_each(int (*fn)(const char *key, const char *value, void *arg), void *arg);
/*
 * Boot only: takes raw (which must stay valid for good) as the command line and splits it
 * into options. Returns 0, or -E2BIG (reported) when it is COMMAND_LINE_MAX bytes or longer:
 * then every option is ignored rather than some cut off, though cmdline_get_raw() shows it.
 */
int cmdline_setup(const char *raw);

#endif
