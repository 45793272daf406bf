/*
 * The AT keyboard on the i8042's first port: reset and self-test, scan code set 2 (which the
 * controller translates to set 1 for us), LEDs, scanning, and the IRQ 1 handler that decodes
 * the bytes into key events for the input layer.
 *
 * Commands to the keyboard are polled with interrupts off, also when the input layer asks for
 * LEDs from inside our own IRQ handler (Caps Lock pressed). Key bytes that arrive while a
 * command waits for its ACK are kept in a small queue that the IRQ handler decodes next.
 */
#include <keel/errno.h>
#include <keel/input.h>
#include <keel/irq.h>
#include <keel/irqflags.h>
#include <keel/module.h>
#include "ps2.h"
#include "scancode.h"

#define KBD_CMD_SET_LEDS 0xed
#define KBD_CMD_SCANCODE_SET 0xf0
#define KBD_CMD_ENABLE 0xf4
#define KBD_CMD_DISABLE 0xf5
#define KBD_CMD_RESET 0xff
#define KBD_REPLY_ACK 0xfa
#define KBD_REPLY_RESEND 0xfe
#define KBD_REPLY_BAT_OK 0xaa
#define KBD_ACK_TIMEOUT_MS 100
#define KBD_RESET_TIMEOUT_MS 1000 /* the power-on self-test takes up to ~500 ms */
#define KBD_TRIES 3
#define PENDING_SIZE 32 /* power of two */
#define IRQ_BYTES_MAX 32

/* PS/2 LED byte bits. */
#define PS2_LED_SCROLL 0x01
#define PS2_LED_NUM 0x02
#define PS2_LED_CAPS 0x04

static struct ps2_keyboard {
	struct input_dev input;
	struct scancode_decoder decoder;
	u8 pending[PENDING_SIZE];
	unsigned int pending_head, pending_tail;
	unsigned int leds; /* LED_* bits as last sent */
} kbd;

static void pending_push(u8 byte)
{
	if (kbd.pending_head - kbd.pending_tail < PENDING_SIZE)
		kbd.pending[kbd.pending_head++ % PENDING_SIZE] = byte;
}

/* Sends one byte to the keyboard and waits for its ACK; interrupts must be off. */
static int kbd_send_byte(u8 byte)
{
	for (int tries = 0; tries < KBD_TRIES; tries++) {
		u8 reply;
		int err = i8042_write_data(byte);

		while (!err) {
			err = i8042_wait_read(KBD_ACK_TIMEOUT_MS, &reply);
			if (err || reply == KBD_REPLY_ACK)
				return err;
			if (reply == KBD_REPLY_RESEND)
				break;
			pending_push(reply); /* a key typed meanwhile */
		}
		if (err)
			return err;
	}
	return -EIO;
}

/* A command and its optional argument byte, as one exchange no IRQ can cut into. */
static int kbd_command(u8 command, int argument)
{
	unsigned long flags;
	int err;

	local_irq_save(flags);
	err = kbd_send_byte(command);
	if (!err && argument >= 0)
		err = kbd_send_byte((u8)argument);
	local_irq_restore(flags);
	return err;
}

static u8 ps2_led_byte(unsigned int leds)
{
	return ((leds & (1u << LED_SCROLLL)) ? PS2_LED_SCROLL : 0) |
	       ((leds & (1u << LED_NUML)) ? PS2_LED_NUM : 0) |
	       ((leds & (1u << LED_CAPSL)) ? PS2_LED_CAPS : 0);
}

/* The input layer's event hook: one call per LED that changes. */
static int kbd_input_event(struct input_dev *dev, unsigned int type, unsigned int code,
			   int value)
{
	unsigned int leds = kbd.leds;

	if (type != EV_LED || code > LED_MAX)
		return -EINVAL;
	if (value)
		leds |= 1u << code;
	else
		leds &= ~(1u << code);
	if (ps2_led_byte(leds) == ps2_led_byte(kbd.leds)) {
		kbd.leds = leds; /* an LED this keyboard does not have */
		return 0;
	}
	kbd.leds = leds;
	return kbd_command(KBD_CMD_SET_LEDS, ps2_led_byte(leds));
}

static void kbd_decode(u8 byte)
{
	struct key_event ev;

	if (scancode_feed(&kbd.decoder, byte, &ev)) {
		input_report_key(&kbd.input, ev.code, ev.value);
		input_sync(&kbd.input);
	}
}

static irqreturn_t kbd_interrupt(int irq, void *dev_id)
{
	bool handled = false;

	for (int i = 0; i < IRQ_BYTES_MAX; i++) {
		u8 byte;

		if (kbd.pending_tail != kbd.pending_head)
			byte = kbd.pending[kbd.pending_tail++ % PENDING_SIZE];
		else if (i8042_output_full())
			byte = i8042_read_data();
		else
			break;
		handled = true;
		kbd_decode(byte);
	}
	return handled ? IRQ_HANDLED : IRQ_NONE;
}

/* Reset: the keyboard ACKs, runs its self-test and reports AA (some send AA before FA). */
static int kbd_reset(void)
{
	bool acked = false, passed = false;
	unsigned long flags;
	int err;

	local_irq_save(flags);
	err = i8042_write_data(KBD_CMD_RESET);
	while (!err && !(acked && passed)) {
		u8 reply;

		err = i8042_wait_read(KBD_RESET_TIMEOUT_MS, &reply);
		if (!err && reply == KBD_REPLY_ACK)
			acked = true;
		else if (!err && reply == KBD_REPLY_BAT_OK)
			passed = true;
		else if (!err)
			err = -EIO; /* FC/FD: self-test failed; FE: no keyboard would ACK */
	}
	local_irq_restore(flags);
	return err;
}

static int kbd_configure(void)
{
	int err = kbd_reset();

	if (err) {
		pr_err("ps2: no keyboard answers on the first port (reset: %s)\n",
		       errno_name(err));
		return -ENODEV;
	}
	err = kbd_command(KBD_CMD_DISABLE, -1);
	if (!err)
		err = kbd_command(KBD_CMD_SCANCODE_SET, 2);
	if (!err)
		err = kbd_command(KBD_CMD_SET_LEDS, 0);
	if (err)
		pr_err("ps2: keyboard does not accept its setup: %s\n", errno_name(err));
	return err;
}

int atkbd_init(struct i8042_info *info)
{
	int err = kbd_configure();

	if (err)
		return err;
	memset(&kbd, 0, sizeof(kbd));
	kbd.input.name = "AT Translated Set 2 keyboard";
	kbd.input.phys = "isa0060/serio0";
	kbd.input.owner = THIS_MODULE;
	kbd.input.event = kbd_input_event;
	err = input_register_device(&kbd.input);
	if (err)
		return err;
	err = request_irq(I8042_KBD_IRQ, kbd_interrupt, 0, "i8042 keyboard", &kbd);
	if (err)
		goto out_unregister_input;
	err = i8042_write_config(info, info->config | I8042_CFG_KBD_INT);
	if (!err)
		err = kbd_command(KBD_CMD_ENABLE, -1);
	if (err)
		goto out_free_irq;
	return 0;

out_free_irq:
	i8042_write_config(info, info->config & ~I8042_CFG_KBD_INT);
	free_irq(I8042_KBD_IRQ, &kbd);
out_unregister_input:
	input_unregister_device(&kbd.input);
	return err;
}

void atkbd_exit(struct i8042_info *info)
{
	kbd_command(KBD_CMD_DISABLE, -1);
	i8042_write_config(info, info->config & ~I8042_CFG_KBD_INT);
	free_irq(I8042_KBD_IRQ, &kbd);
	input_unregister_device(&kbd.input);
}
