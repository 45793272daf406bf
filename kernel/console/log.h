/* The kernel log (dmesg ring) and console loglevel, for the shell and boot code. */
#ifndef KEEL_CONSOLE_LOG_H
#define KEEL_CONSOLE_LOG_H

#include <keel/types.h>

/* Linux's values: the console level never drops below MIN, so KERN_EMERG always prints. */
#define CONSOLE_LOGLEVEL_MIN 1
#define CONSOLE_LOGLEVEL_MOTORMOUTH 15

/* Sets the console loglevel (messages below it print); clamped to CONSOLE_LOGLEVEL_MIN. */
void log_set_console_level(int level);
/* Every message reaches the console from now on; for oops and panic, as Linux's. */
void console_verbose(void);
int log_get_console_level(void);
void log_set_clock(u64 (*clock_ns)(void));
/*
 * hook(text, n) sees each new KERN_ERR record's text (without its timestamp) before the
 * console does, with interrupts off; true: it showed the message itself, the console skips
 * it. dmesg keeps the record as usual. NULL removes it.
 */
void log_set_error_hook(bool (*hook)(const char *text, size_t n));
/* Feeds the whole retained log, oldest first, to sink; returns the byte count. */
size_t log_read_all(void (*sink)(const char *s, size_t n));

#endif
