/*
 * Time: the PIT's channel 0 ticks at HZ (jiffies), the TSC is calibrated against PIT channel 2
 * once at boot and then gives nanosecond uptime (ktime_get_ns) and the delay loops.
 */
#include <keel/export.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/minmax.h>
#include <keel/printk.h>
#include <keel/time.h>
#include "console/log.h"
#include "irq/irq.h"

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
#define CALIBRATE_MS 10 /* 11932 PIT ticks: +-1 tick is 0.01% */
#define CALIBRATE_SPIN_LIMIT 100000000UL
#define TIMER_IRQ 0

volatile u64 jiffies;
EXPORT_SYMBOL(jiffies);
static u64 boot_tsc;
static u64 tsc_khz; /* 0 until calibrated */
static bool timer_running;

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

/* Counts TSC ticks while PIT channel 2 counts down CALIBRATE_MS; 0 if the PIT never finishes. */
static u64 tsc_calibrate_khz(void)
{
	u16 latch = PIT_FREQUENCY_HZ * CALIBRATE_MS / 1000;
	unsigned long spins = 0;
	u64 start, end;

	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_COMMAND, PIT_CH2_ONE_SHOT);
	outb(PIT_CH2_DATA, latch & 0xff);
	outb(PIT_CH2_DATA, latch >> 8);
	start = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2))
		if (++spins > CALIBRATE_SPIN_LIMIT)
			return 0;
	end = rdtsc();
	outb(PORT_B, inb(PORT_B) & ~PORT_B_GATE2);
	return (end - start) / CALIBRATE_MS;
}

static irqreturn_t timer_interrupt(int irq, void *dev_id)
{
	jiffies++;
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
		pr_info("tsc: calibrated at %llu MHz\n", (unsigned long long)(tsc_khz / 1000));
		log_set_clock(ktime_get_ns);
	} else {
		pr_warn("tsc: PIT channel 2 never counted down; uptime uses timer ticks only\n");
	}
	pit_start_periodic();
	err = request_irq(TIMER_IRQ, timer_interrupt, 0, "timer", NULL);
	if (err) {
		pr_err("timer: cannot get IRQ %d: %d\n", TIMER_IRQ, err);
		return;
	}
	timer_running = true;
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

void msleep(unsigned int ms)
{
	u64 deadline;

	if (!timer_running || irqs_disabled()) {
		mdelay(ms); /* nothing would wake us from hlt */
		return;
	}
	deadline = ktime_get_ns() + (u64)ms * 1000000;
	while (ktime_get_ns() < deadline)
		cpu_idle();
}
EXPORT_SYMBOL(msleep);
