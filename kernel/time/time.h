/* Internal interfaces of kernel/time/: the clock and tick, timers, for kmain and the loader. */
#ifndef KEEL_TIME_TIME_H
#define KEEL_TIME_TIME_H

#include <keel/types.h>

void timer_init(void);    /* periodic tick at HZ, TSC calibration, uptime */
u64 boot_tsc_start(void); /* TSC at kernel entry, for the entry-to-prompt figure */
u64 tsc_to_ns(u64 ticks);
u64 tsc_khz_get(void);    /* the calibrated TSC frequency, 0 when uncalibrated */
/* Called first thing in kmain: the reference point of boot_tsc_start() and ktime_get_ns(). */
void timer_record_boot_tsc(void);

/* The tick's work on timers: runs expired callbacks. Interrupts off. */
void run_local_timers(void);
/* Deletes (with a warning naming owner) every pending timer whose callback or structure lies
 * in [start, end): module teardown. Returns the count. */
unsigned int timer_release_range(unsigned long start, unsigned long end, const char *owner);
unsigned int timer_pending_count(void);

#endif
