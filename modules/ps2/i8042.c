/*
 * The i8042 PS/2 controller: status/command port 0x64, data port 0x60. Every wait polls the
 * status register with a deadline, so a missing or wedged controller costs a timeout, never a
 * hang. A machine without the chip (QEMU -M q35,i8042=off) reads 0xff from the status port.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/sched.h>
#include "ps2.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_COMMAND 0x64
#define I8042_POLL_FAST_NS 200000ULL /* tight polling before sleeping between polls */

#define STATUS_OUTPUT_FULL 0x01
#define STATUS_INPUT_FULL 0x02

#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_AUX 0xa7
#define CMD_ENABLE_AUX 0xa8
#define CMD_TEST_AUX 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_TEST_KBD 0xab
#define CMD_DISABLE_KBD 0xad
#define CMD_ENABLE_KBD 0xae

#define SELF_TEST_PASSED 0x55
#define COMMAND_TIMEOUT_MS 50
#define SELF_TEST_TIMEOUT_MS 500 /* the self-test takes longer on real chips */
#define FLUSH_MAX 64

bool i8042_output_full(void)
{
	return inb(I8042_STATUS) & STATUS_OUTPUT_FULL;
}

u8 i8042_read_data(void)
{
	return inb(I8042_DATA);
}

/*
 * The pause between two status polls. The controller usually answers within microseconds;
 * one that takes longer (a self-test, a slow keyboard) is polled about once a tick, sleeping
 * in between, where the caller may sleep. Exchanges with the keyboard run with interrupts off
 * (so the IRQ handler cannot take the reply) and keep busy-waiting.
 */
static void i8042_poll_pause(u64 start)
{
	bool may_sleep = !irqs_disabled() && !in_atomic() && !(current->flags & PF_IDLE);

	if (may_sleep && ktime_get_ns() - start > I8042_POLL_FAST_NS)
		usleep_range(500, 1000);
	else
		udelay(10);
}

/* Polls the status register until (status & mask) == want, or the deadline passes. */
static int i8042_wait_status(u8 mask, u8 want, unsigned int timeout_ms)
{
	u64 start = ktime_get_ns(), deadline = start + (u64)timeout_ms * 1000000;

	while ((inb(I8042_STATUS) & mask) != want) {
		if (ktime_get_ns() > deadline)
			return -ETIMEDOUT;
		i8042_poll_pause(start);
	}
	return 0;
}

int i8042_wait_read(unsigned int timeout_ms, u8 *byte)
{
	int err = i8042_wait_status(STATUS_OUTPUT_FULL, STATUS_OUTPUT_FULL, timeout_ms);

	if (!err)
		*byte = inb(I8042_DATA);
	return err;
}

int i8042_write_data(u8 byte)
{
	int err = i8042_wait_status(STATUS_INPUT_FULL, 0, COMMAND_TIMEOUT_MS);

	if (!err)
		outb(I8042_DATA, byte);
	return err;
}

static int i8042_command(u8 command)
{
	int err = i8042_wait_status(STATUS_INPUT_FULL, 0, COMMAND_TIMEOUT_MS);

	if (!err)
		outb(I8042_COMMAND, command);
	return err;
}

/* A controller command answered with one byte. */
static int i8042_query(u8 command, unsigned int timeout_ms, u8 *reply)
{
	int err = i8042_command(command);

	return err ? err : i8042_wait_read(timeout_ms, reply);
}

static void i8042_flush(void)
{
	for (int i = 0; i < FLUSH_MAX && i8042_output_full(); i++) {
		i8042_read_data();
		udelay(50);
	}
}

int i8042_write_config(struct i8042_info *info, u8 config)
{
	int err = i8042_command(CMD_WRITE_CONFIG);

	if (!err)
		err = i8042_write_data(config);
	if (!err)
		info->config = config;
	return err;
}

static int i8042_read_config(u8 *config)
{
	return i8042_query(CMD_READ_CONFIG, COMMAND_TIMEOUT_MS, config);
}

/* Ports off, pending bytes dropped, IRQs and the second port's clock off, translation on. */
static int i8042_quiesce(struct i8042_info *info)
{
	u8 config;
	int err = i8042_command(CMD_DISABLE_KBD);

	if (!err)
		err = i8042_command(CMD_DISABLE_AUX);
	if (err)
		return err;
	i8042_flush();
	err = i8042_read_config(&config);
	if (err)
		return err;
	config &= ~(I8042_CFG_KBD_INT | I8042_CFG_AUX_INT);
	config |= I8042_CFG_TRANSLATE;
	return i8042_write_config(info, config);
}

/* A second port exists when enabling it clears the "port 2 clock disabled" config bit. */
static int i8042_detect_dual(struct i8042_info *info)
{
	u8 config;
	int err;

	info->dual_channel = false;
	if (!(info->config & I8042_CFG_AUX_DISABLE))
		return 0; /* single-channel controllers leave the bit clear */
	err = i8042_command(CMD_ENABLE_AUX);
	if (!err)
		err = i8042_read_config(&config);
	if (err)
		return err;
	info->dual_channel = !(config & I8042_CFG_AUX_DISABLE);
	return i8042_command(CMD_DISABLE_AUX);
}

/* 0x00 means the port's clock and data lines passed the controller's test. */
static int i8042_test_port(u8 command, const char *port)
{
	u8 result;
	int err = i8042_query(command, COMMAND_TIMEOUT_MS, &result);

	if (err)
		return err;
	if (result != 0x00) {
		pr_err("ps2: %s port failed its interface test (0x%02x)\n", port, result);
		return -EIO;
	}
	return 0;
}

static int i8042_self_test(struct i8042_info *info)
{
	u8 saved = info->config, result;
	int err = i8042_query(CMD_SELF_TEST, SELF_TEST_TIMEOUT_MS, &result);

	if (err)
		return err;
	if (result != SELF_TEST_PASSED) {
		pr_err("ps2: i8042 self-test failed (0x%02x)\n", result);
		return -EIO;
	}
	/* Some controllers reset themselves during the test: put the configuration back. */
	return i8042_write_config(info, saved);
}

static int i8042_setup_steps(struct i8042_info *info)
{
	int err = i8042_quiesce(info);

	if (!err)
		err = i8042_self_test(info);
	if (!err)
		err = i8042_detect_dual(info);
	if (!err)
		err = i8042_test_port(CMD_TEST_KBD, "keyboard");
	if (err)
		return err;
	if (info->dual_channel && i8042_test_port(CMD_TEST_AUX, "aux") < 0)
		info->dual_channel = false; /* a broken mouse port does not stop the keyboard */
	i8042_flush();
	return i8042_command(CMD_ENABLE_KBD);
}

int i8042_setup(struct i8042_info *info)
{
	int err;

	/* No chip decodes the port: the ISA bus floats to all ones. */
	if (inb(I8042_STATUS) == 0xff) {
		pr_err("ps2: no i8042 controller found\n");
		return -ENODEV;
	}
	err = i8042_setup_steps(info);
	if (err == -ETIMEDOUT) {
		pr_err("ps2: no i8042 controller found (it does not answer commands)\n");
		return -ENODEV;
	}
	return err;
}
