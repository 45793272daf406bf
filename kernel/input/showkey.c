/*
 * The `input` command (lists input devices and their LEDs) and `showkey`, after Linux's
 * `showkey -k` / `showkey -a`: for a number of events or seconds it prints the key codes the
 * input layer delivers, or the bytes the console keyboard makes of them (in hex), instead of
 * letting the keys type into the shell. Events are queued from IRQ context and printed here.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/shell.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/tty.h>
#include <keel/wait.h>
#include "input/input_core.h"
#include "input/keymap.h"

#define SHOWKEY_RING 64 /* power of two */
#define SHOWKEY_DEFAULT_SECONDS 10
#define CTRL_C 0x03
/* How often the sleeping loop looks at the serial line for Ctrl-C (serial input does not
 * wake showkey_wait); short enough to feel immediate. */
#define SHOWKEY_SERIAL_POLL_MS 20

struct showkey_entry {
	unsigned short code;
	signed char value;
	unsigned char nbytes; /* -a: the bytes of one key; -k: 0 */
	char bytes[KEYMAP_MAX_BYTES];
};

static struct showkey_entry ring[SHOWKEY_RING];
static volatile unsigned int ring_head, ring_tail;
static unsigned int ring_dropped;
/* showkey sleeps here; the input handlers (IRQ context) wake it for each queued event. */
static DECLARE_WAIT_QUEUE_HEAD(showkey_wait);

static struct showkey_entry *ring_slot(void)
{
	if (ring_head - ring_tail >= SHOWKEY_RING) {
		ring_dropped++;
		return NULL;
	}
	return &ring[ring_head % SHOWKEY_RING];
}

static void showkey_key_event(struct input_dev *dev, unsigned int type, unsigned int code,
			      int value)
{
	struct showkey_entry *e;

	if (type != EV_KEY || !(e = ring_slot()))
		return;
	*e = (struct showkey_entry){ .code = (unsigned short)code, .value = (signed char)value };
	ring_head++;
	wake_up(&showkey_wait);
}

static void showkey_bytes(const char *bytes, size_t n)
{
	struct showkey_entry *e = ring_slot();

	if (!e)
		return;
	*e = (struct showkey_entry){ .nbytes = (unsigned char)n };
	memcpy(e->bytes, bytes, n);
	ring_head++;
	wake_up(&showkey_wait);
}

/* With -k the console keyboard still runs (lock keys keep working) but types nowhere. */
static void discard_bytes(const char *bytes, size_t n)
{
}

static struct input_handler showkey_handler = {
	.name = "showkey",
	.event = showkey_key_event,
};

static bool ring_pop(struct showkey_entry *out)
{
	unsigned long flags;
	bool found;

	local_irq_save(flags);
	found = ring_tail != ring_head;
	if (found)
		*out = ring[ring_tail++ % SHOWKEY_RING];
	local_irq_restore(flags);
	return found;
}

static void print_entry(const struct showkey_entry *e, bool bytes_mode)
{
	static const char *const actions[] = { "release", "press", "repeat" };
	char line[8 + 3 * KEYMAP_MAX_BYTES];
	size_t n = 0;

	if (!bytes_mode) {
		console_printf("keycode %3u %s\n", e->code,
			       e->value >= 0 && e->value <= 2 ? actions[e->value] : "?");
		return;
	}
	for (unsigned int i = 0; i < e->nbytes; i++)
		n += scnprintf(line + n, sizeof(line) - n, " %02x", (unsigned char)e->bytes[i]);
	console_printf("bytes:%s\n", line);
}

/* Serial Ctrl-C ends showkey early; other serial input is dropped meanwhile. */
static bool serial_interrupt(void)
{
	char c;

	while (tty_read_raw(console_tty(), &c, 1, 0) == 1)
		if (c == CTRL_C)
			return true;
	return false;
}

static bool ring_empty(void)
{
	return READ_ONCE(ring_head) == READ_ONCE(ring_tail);
}

/* Sleeps until an event is queued, the deadline passes or it is time to look for Ctrl-C. */
static void showkey_sleep(unsigned long deadline)
{
	long left = (long)(deadline - jiffies);
	long step = (long)msecs_to_jiffies(SHOWKEY_SERIAL_POLL_MS);

	if (left > 0)
		wait_event_interruptible_timeout(showkey_wait, !ring_empty(),
						 left < step ? left : step);
}

static void showkey_loop(bool bytes_mode, unsigned int max_events, unsigned int seconds)
{
	unsigned long deadline = jiffies + (unsigned long)seconds * HZ;
	struct showkey_entry e;
	unsigned int shown = 0;

	while (shown < max_events && time_before(jiffies, deadline) && !serial_interrupt() &&
	       !signal_pending(current)) {
		while (shown < max_events && ring_pop(&e)) {
			print_entry(&e, bytes_mode);
			shown++;
		}
		if (shown < max_events)
			showkey_sleep(deadline);
	}
}

static int parse_count(const char *s, unsigned int max, unsigned int *out)
{
	if (kstrtouint(s, 0, out) < 0 || *out == 0 || *out > max)
		return -EINVAL;
	return 0;
}

static int parse_showkey_args(int argc, char **argv, bool *bytes_mode, unsigned int *count,
			      unsigned int *seconds)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		bool has_value = i + 1 < argc;

		if (strcmp(opt, "-k") == 0) {
			*bytes_mode = false;
		} else if (strcmp(opt, "-a") == 0) {
			*bytes_mode = true;
		} else if (strcmp(opt, "-n") == 0 && has_value) {
			if (parse_count(argv[++i], 100000, count))
				return -EINVAL;
		} else if (strcmp(opt, "-t") == 0 && has_value) {
			if (parse_count(argv[++i], 3600, seconds))
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static int cmd_showkey(int argc, char **argv)
{
	unsigned int count = UINT_MAX, seconds = SHOWKEY_DEFAULT_SECONDS;
	bool bytes_mode = false;
	int err = parse_showkey_args(argc, argv, &bytes_mode, &count, &seconds);

	if (err) {
		console_puts("usage: showkey [-k|-a] [-n events] [-t seconds]\n");
		return 1;
	}
	ring_head = ring_tail = ring_dropped = 0;
	if (!bytes_mode) {
		err = input_register_handler(&showkey_handler);
		if (err)
			return err;
	}
	console_keyboard_set_tap(bytes_mode ? showkey_bytes : discard_bytes);
	console_printf("showkey: %s for %u s", bytes_mode ? "key bytes" : "key codes", seconds);
	if (count != UINT_MAX)
		console_printf(" or %u events", count);
	console_puts(" (serial Ctrl-C stops)\n");
	showkey_loop(bytes_mode, count, seconds);
	console_keyboard_set_tap(NULL);
	if (!bytes_mode)
		input_unregister_handler(&showkey_handler);
	if (ring_dropped)
		console_printf("showkey: %u events dropped\n", ring_dropped);
	console_puts("showkey: done\n");
	return 0;
}

static void print_leds(unsigned int leds, char *buf, size_t size)
{
	static const char *const names[] = { "num", "caps", "scroll", "compose", "kana" };
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int led = 0; led < ARRAY_SIZE(names); led++)
		if (leds & (1u << led))
			n += scnprintf(buf + n, size - n, "%s%s", n ? "," : "", names[led]);
	if (!n)
		strlcpy(buf, "none", size);
}

static void print_device(struct input_dev *dev, unsigned int index, void *arg)
{
	char leds[48];

	print_leds(dev->leds, leds, sizeof(leds));
	/* Two lines, so long names and every LED still fit 80 columns. */
	console_printf("input%u: \"%s\"\n", index, dev->name);
	console_printf("        phys=%s leds=%s%s\n", dev->phys ? dev->phys : "-", leds,
		       dev->event ? "" : " (no LED control)");
	(*(unsigned int *)arg)++;
}

static int cmd_input(int argc, char **argv)
{
	unsigned int count = 0;

	input_for_each_device(print_device, &count);
	if (!count)
		console_puts("no input devices\n");
	return 0;
}

static const struct shell_command input_commands[] = {
	{ .name = "input", .usage = "input", .help = "list input devices and their LEDs",
	  .run = cmd_input },
	{ .name = "showkey", .usage = "showkey [-k|-a] [-n events] [-t seconds]",
	  .help = "show key codes (-k) or the bytes keys type (-a)", .run = cmd_showkey },
};

int showkey_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(input_commands); i++) {
		int err = shell_register_command(&input_commands[i]);

		if (err)
			return err;
	}
	return 0;
}
