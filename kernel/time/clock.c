/*
 * The clock: the PIT's channel 0 ticks at HZ (jiffies, timers, time slices), the TSC is
 * calibrated against PIT channel 2 once at boot and then gives nanosecond uptime
 * (ktime_get_ns) and the busy-wait delays.
 */
#include <keel/export.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/minmax.h>
#include "console/log.h"
#include "irq/irq.h"
#include "sched/sched.h"
#include "time/time.h"

#define PIT_FREQUENCY_HZ 1193182
#define PIT_CH0_DATA 0x40
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH0_RATE_GENERATOR 0x34 /* channel 0, lobyte/hibyte, mode 2 */
#define PIT_CH2_ONE_SHOT 0xb0       /* channel 2, lobyte/hibyte, mode 0 */
#define PORT_B 0x61                 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define PIT_CH2_LATCH 0x80            /* counter latch command for channel 2 */
#define CALIBRATE_MS 20 /* 23863 PIT ticks: a reading's +-1 tick is 0.005% */
#define CALIBRATE_READINGS 5
#define CALIBRATE_SPIN_LIMIT 10000000UL
#define TIMER_IRQ 0

volatile unsigned long jiffies;
EXPORT_SYMBOL(jiffies);
static u64 boot_tsc;
static u64 tsc_khz; /* 0 until calibrated */

void timer_record_boot_tsc(void)
{
	boot_tsc = rdtsc();
}

u64 boot_tsc_start(void)
{
	return boot_tsc;
}

/* Split so ticks * 10^6 never overflows: whole milliseconds, then the remainder. */
u64 tsc_to_ns(u64 ticks)
{
	if (!tsc_khz)
		return 0;
	return ticks / tsc_khz * 1000000 + ticks % tsc_khz * 1000000 / tsc_khz;
}

u64 ktime_get_ns(void)
{
	if (!tsc_khz)
		return jiffies * (1000000000 / HZ);
	return tsc_to_ns(rdtsc() - boot_tsc);
}
EXPORT_SYMBOL(ktime_get_ns);

/*
 * TSC calibration against PIT channel 2, counting down freely from 0xffff. Each reading latches
 * the PIT's count with a TSC read just before and just after; of a few readings the narrowest
 * bracket wins, so a delay while reading (an SMI, or the host descheduling a virtual CPU) costs
 * a retry instead of skewing the result. Two such readings CALIBRATE_MS apart give the rate.
 */
struct pit_sample {
	u64 tsc;   /* midpoint of the bracket */
	u64 width; /* TSC ticks the reading took */
	u16 count;
};

static void pit2_read(struct pit_sample *s)
{
	u64 before = rdtsc(), after;
	u8 lo, hi;

	outb(PIT_COMMAND, PIT_CH2_LATCH);
	lo = inb(PIT_CH2_DATA);
	hi = inb(PIT_CH2_DATA);
	after = rdtsc();
	s->tsc = before + (after - before) / 2;
	s->width = after - before;
	s->count = (u16)(lo | hi << 8);
}

static void pit2_sample(struct pit_sample *best)
{
	struct pit_sample s;

	pit2_read(best);
	for (int i = 1; i < CALIBRATE_READINGS; i++) {
		pit2_read(&s);
		if (s.width < best->width)
			*best = s;
	}
}

/* TSC kHz, or 0 when channel 2 does not count (no PIT). */
static u64 tsc_calibrate_khz(void)
{
	u16 span = PIT_FREQUENCY_HZ * CALIBRATE_MS / 1000;
	struct pit_sample first, last;
	unsigned long spins = 0;
	u64 pit_ticks;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_ONE_SHOT);
	outb(PIT_CH2_DATA, 0xff);
	outb(PIT_CH2_DATA, 0xff);
	pit2_sample(&first);
	do {
		pit2_sample(&last);
		if (++spins > CALIBRATE_SPIN_LIMIT)
			return 0;
	} while ((u16)(first.count - last.count) < span);
	outb(PORT_B, inb(PORT_B) & ~PORT_B_GATE2);
	pit_ticks = (u16)(first.count - last.count);
	return (last.tsc - first.tsc) * PIT_FREQUENCY_HZ / pit_ticks / 1000;
}

u64 tsc_khz_get(void)
{
	return tsc_khz;
}

/*
 * jiffies follow the TSC, not a count of interrupts: a tick delivered late or merged with the
 * next one (a busy host under emulation) would otherwise make jiffies, and every timer, run
 * slow against ktime. Without a calibrated TSC each interrupt counts one tick.
 */
static void jiffies_update(void)
{
	unsigned long now;

	if (!tsc_khz) {
		jiffies++;
		return;
	}
	now = (unsigned long)(ktime_get_ns() / (NSEC_PER_SEC / HZ));
	if (time_after(now, jiffies))
		jiffies = now;
}

static irqreturn_t timer_interrupt(int irq, void *dev_id)
{
	jiffies_update();
	run_local_timers();
	scheduler_tick();
	return IRQ_HANDLED;
}

static void pit_start_periodic(void)
{
	u16 divisor = (PIT_FREQUENCY_HZ + HZ / 2) / HZ;

	outb(PIT_COMMAND, PIT_CH0_RATE_GENERATOR);
	outb(PIT_CH0_DATA, divisor & 0xff);
	outb(PIT_CH0_DATA, divisor >> 8);
}

void timer_init(void)
{
	int err;

	tsc_khz = tsc_calibrate_khz();
	if (tsc_khz) {
		pr_info("tsc: calibrated at %llu.%03llu MHz\n", (unsigned long long)(tsc_khz / 1000),
			(unsigned long long)(tsc_khz % 1000));
		log_set_clock(ktime_get_ns);
	} else {
		pr_warn("tsc: PIT channel 2 does not count; uptime uses timer ticks only\n");
	}
	pit_start_periodic();
	err = request_irq(TIMER_IRQ, timer_interrupt, 0, "timer", NULL);
	if (err) {
		pr_err("timer: cannot get IRQ %d: %d\n", TIMER_IRQ, err);
		return;
	}
	pr_info("timer: PIT at %d Hz on IRQ %d\n", HZ, TIMER_IRQ);
}

void udelay(unsigned long us)
{
	u64 start = rdtsc(), ticks = (u64)us * tsc_khz / 1000;

	if (!tsc_khz) {
		while (us--)
			io_wait(); /* a port 0x80 write takes about a microsecond */
		return;
	}
	while (rdtsc() - start < ticks)
		__asm__ __volatile__("pause");
}
EXPORT_SYMBOL(udelay);

/* Whole seconds at a time: one deadline per chunk, so time lost while the CPU (or the virtual
 * CPU's host thread) is busy elsewhere is not added once per millisecond. */
void mdelay(unsigned long ms)
{
	while (ms) {
		unsigned long chunk = min(ms, 1000UL);

		udelay(chunk * 1000);
		ms -= chunk;
	}
}
EXPORT_SYMBOL(mdelay);
