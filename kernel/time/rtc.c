/*
 * The wall clock: the CMOS real-time clock (ports 0x70/0x71, Linux's mc146818 read in
 * arch/x86/kernel/rtc.c) read once, on first use, and kept as an offset from the monotonic
 * ktime_get_ns(). The RTC counts whole seconds, so the wall clock agrees with the host's to
 * the second (QEMU's RTC is the host's UTC time by default), and settimeofday is not offered.
 */
#include <keel/io.h>
#include <keel/ktime.h>
#include <keel/spinlock.h>
#include <keel/timekeeping.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define RTC_UIP 0x80      /* status A: an update is in progress, the registers are changing */
#define RTC_DM_BINARY 0x04 /* status B: values are binary, not BCD */
#define RTC_24H 0x02       /* status B: 24-hour hours */
#define RTC_PM 0x80        /* the hour's top bit in 12-hour mode */

struct rtc_time {
	unsigned int sec, min, hour, mday, mon, year;
};

static DEFINE_SPINLOCK(rtc_lock);
static s64 real_offset_ns; /* wall time minus ktime_get_ns() */
static bool real_offset_set;

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static unsigned int bcd2bin(u8 v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

static void rtc_read_raw(struct rtc_time *t)
{
	while (cmos_read(0x0a) & RTC_UIP)
		; /* at most 2 ms, once a second */
	t->sec = cmos_read(0x00);
	t->min = cmos_read(0x02);
	t->hour = cmos_read(0x04);
	t->mday = cmos_read(0x07);
	t->mon = cmos_read(0x08);
	t->year = cmos_read(0x09);
}

/* Two equal readings in a row: no update happened between the registers' reads. */
static void rtc_read(struct rtc_time *t)
{
	struct rtc_time again;
	u8 status;
	bool pm;

	rtc_read_raw(t);
	for (rtc_read_raw(&again); __builtin_memcmp(t, &again, sizeof(again)); rtc_read_raw(&again))
		*t = again;
	status = cmos_read(0x0b);
	pm = !(status & RTC_24H) && (t->hour & RTC_PM);
	t->hour &= ~RTC_PM;
	if (!(status & RTC_DM_BINARY)) {
		t->sec = bcd2bin((u8)t->sec);
		t->min = bcd2bin((u8)t->min);
		t->hour = bcd2bin((u8)t->hour);
		t->mday = bcd2bin((u8)t->mday);
		t->mon = bcd2bin((u8)t->mon);
		t->year = bcd2bin((u8)t->year);
	}
	if (!(status & RTC_24H))
		t->hour = (t->hour % 12) + (pm ? 12 : 0);
	t->year += t->year < 70 ? 2000 : 1900; /* the century register is not standard */
}

/* Days since 1970-01-01 of a Gregorian date: years counted from March (so the leap day is
 * last) in 400-year eras of 146097 days. */
static s64 days_from_civil(s64 y, unsigned int m, unsigned int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

s64 rtc_read_seconds(void)
{
	struct rtc_time t;

	rtc_read(&t);
	return days_from_civil(t.year, t.mon, t.mday) * 86400 + t.hour * 3600 + t.min * 60 +
	       t.sec;
}

u64 ktime_get_real_ns(void)
{
	unsigned long flags;

	spin_lock_irqsave(&rtc_lock, flags);
	if (!real_offset_set) {
		real_offset_ns = rtc_read_seconds() * (s64)NSEC_PER_SEC - (s64)ktime_get_ns();
		real_offset_set = true;
	}
	spin_unlock_irqrestore(&rtc_lock, flags);
	return (u64)(real_offset_ns + (s64)ktime_get_ns());
}
