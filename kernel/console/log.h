/* The kernel log (dmesg ring) and console loglevel, for the shell and boot code. */
#ifndef KEEL_CONSOLE_LOG_H
#define KEEL_CONSOLE_LOG_H

#include <keel/types.h>

void log_set_console_level(int level);
int log_get_console_level(void);
void log_set_clock(u64 (*clock_ns)(void));
/* Feeds the whole retained log, oldest first, to sink; returns the byte count. */
size_t log_read_all(void (*sink)(const char *s, size_t n));

#endif
