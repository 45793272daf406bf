/*
 * usbhid.ko: boot-protocol USB keyboards and mice (HID 1.11 appendix B; interface class 3,
 * subclass 1, protocol 1 or 2), reporting to the input layer as ps2.ko does, so a USB
 * keyboard types into the console exactly like a PS/2 one.
 *
 * Probe: SET_PROTOCOL(boot), SET_IDLE(0) (reports only on change), then an interrupt URB on
 * the IN endpoint, resubmitted from its completion. Keyboard reports are compared with the
 * previous one (boot_report.c). USB keyboards do not repeat keys themselves, so a timer does
 * what a PS/2 keyboard's typematic does: after 500 ms the last key pressed repeats 10.9 times
 * a second (the AT defaults) until released. LEDs: SET_REPORT(output) through an asynchronous
 * control URB, since the input layer asks from interrupt context.
 */
#include <keel/errno.h>
#include <keel/input.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <keel/usb.h>
#include "boot_report.h"

#define HID_REQ_SET_REPORT 0x09
#define HID_REQ_SET_IDLE 0x0a
#define HID_REQ_SET_PROTOCOL 0x0b
#define HID_PROTOCOL_KEYBOARD 1
#define HID_PROTOCOL_MOUSE 2
#define HID_REPORT_OUTPUT 2
#define HID_REQ_OUT (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE)
#define REPEAT_DELAY_MS 500
#define REPEAT_PERIOD_MS 92 /* 10.9 characters a second */
#define REPORT_MAX 8
#define MAX_EVENTS 20

struct usbhid {
	struct input_dev input;
	struct usb_interface *intf;
	struct usb_device *udev;
	bool keyboard;
	char name[82], phys[48];
	struct urb *urb;
	u8 *report, last[REPORT_MAX];
	struct timer_list repeat;
	unsigned int repeat_key;
	struct urb *led_urb;
	struct usb_ctrlrequest *led_setup;
	u8 *led_buf;
	unsigned int led_mask; /* LED_* bits the input layer asked for */
	u8 leds, leds_sent;    /* HID LED report bytes: wanted, last sent */
	bool led_busy;
	unsigned long reports;
};

static void repeat_fire(struct timer_list *t)
{
	struct usbhid *hid = from_timer(hid, t, repeat);

	if (!hid->repeat_key)
		return;
	input_report_key(&hid->input, hid->repeat_key, 2);
	input_sync(&hid->input);
	mod_timer(&hid->repeat, jiffies + msecs_to_jiffies(REPEAT_PERIOD_MS));
}

static bool is_modifier(unsigned int code)
{
	return code == KEY_LEFTCTRL || code == KEY_LEFTSHIFT || code == KEY_LEFTALT ||
	       code == KEY_LEFTMETA || code == KEY_RIGHTCTRL || code == KEY_RIGHTSHIFT ||
	       code == KEY_RIGHTALT || code == KEY_RIGHTMETA;
}

/* Keeps the typematic state in step with one key event. */
static void repeat_track(struct usbhid *hid, const struct hid_key_event *ev)
{
	if (ev->value && !is_modifier(ev->code) && ev->code != KEY_CAPSLOCK &&
	    ev->code != KEY_NUMLOCK && ev->code != KEY_SCROLLLOCK) {
		hid->repeat_key = ev->code;
		mod_timer(&hid->repeat, jiffies + msecs_to_jiffies(REPEAT_DELAY_MS));
	} else if (!ev->value && ev->code == hid->repeat_key) {
		hid->repeat_key = 0;
		del_timer(&hid->repeat);
	}
}

static void kbd_report(struct usbhid *hid, unsigned int len)
{
	struct hid_key_event events[MAX_EVENTS];
	unsigned int n;

	if (len < HID_BOOT_KBD_REPORT || hid->report[2] == 1)
		return;
	n = hid_boot_kbd_diff(hid->last, hid->report, events, MAX_EVENTS);
	memcpy(hid->last, hid->report, HID_BOOT_KBD_REPORT);
	for (unsigned int i = 0; i < n; i++) {
		repeat_track(hid, &events[i]);
		input_report_key(&hid->input, events[i].code, events[i].value);
	}
	if (n)
		input_sync(&hid->input);
}

static void mouse_report(struct usbhid *hid, unsigned int len)
{
	static const unsigned int buttons[3] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE };
	const u8 *r = hid->report;

	if (len < 3)
		return;
	for (int i = 0; i < 3; i++)
		if ((r[0] ^ hid->last[0]) & (1u << i))
			input_report_key(&hid->input, buttons[i], (r[0] >> i) & 1);
	hid->last[0] = r[0];
	if (r[1])
		input_event(&hid->input, EV_REL, REL_X, (s8)r[1]);
	if (r[2])
		input_event(&hid->input, EV_REL, REL_Y, (s8)r[2]);
	if (len > 3 && r[3])
		input_event(&hid->input, EV_REL, REL_WHEEL, (s8)r[3]);
	input_sync(&hid->input);
}

static void hid_irq(struct urb *urb)
{
	struct usbhid *hid = urb->context;

	switch (urb->status) {
	case 0:
		hid->reports++;
		if (hid->keyboard)
			kbd_report(hid, urb->actual_length);
		else
			mouse_report(hid, urb->actual_length);
		break;
	case -EPROTO: /* a transaction error: try again */
	case -EOVERFLOW:
		break;
	default: /* killed, unplugged, or stalled for good */
		return;
	}
	usb_submit_urb(urb, GFP_ATOMIC);
}

/* HID LED report: bit 0 Num, 1 Caps, 2 Scroll (HID usage table, LED page 1-3). */
static u8 hid_led_byte(unsigned int leds)
{
	return ((leds & (1u << LED_NUML)) ? 1 : 0) | ((leds & (1u << LED_CAPSL)) ? 2 : 0) |
	       ((leds & (1u << LED_SCROLLL)) ? 4 : 0);
}

/* Interrupts off: from the input layer's hook or the LED URB's completion. */
static void led_send(struct usbhid *hid)
{
	if (hid->led_busy || hid->leds == hid->leds_sent)
		return;
	*hid->led_buf = hid->leds;
	hid->led_busy = !usb_submit_urb(hid->led_urb, GFP_ATOMIC);
	if (hid->led_busy)
		hid->leds_sent = hid->leds;
}

static void led_complete(struct urb *urb)
{
	struct usbhid *hid = urb->context;

	hid->led_busy = false;
	if (urb->status == 0)
		led_send(hid);
}

static int hid_input_event(struct input_dev *dev, unsigned int type, unsigned int code,
			   int value)
{
	struct usbhid *hid = dev->private;
	unsigned long flags;

	if (type != EV_LED || code > LED_MAX)
		return -EINVAL;
	local_irq_save(flags);
	if (value)
		hid->led_mask |= 1u << code;
	else
		hid->led_mask &= ~(1u << code);
	hid->leds = hid_led_byte(hid->led_mask);
	led_send(hid);
	local_irq_restore(flags);
	return 0;
}

static int hid_set_boot(struct usbhid *hid)
{
	u16 ifnum = hid->intf->cur_altsetting->desc.bInterfaceNumber;
	int ret = usb_control_msg(hid->udev, usb_sndctrlpipe(hid->udev, 0), HID_REQ_SET_PROTOCOL,
				  HID_REQ_OUT, 0, ifnum, NULL, 0, 0);

	if (ret < 0) {
		pr_err("usbhid %s: SET_PROTOCOL(boot) failed: %s\n", dev_name(&hid->intf->dev),
		       errno_name(-ret));
		return ret;
	}
	/* Idle 0: a report only when something changes. Optional for mice: a stall is fine. */
	usb_control_msg(hid->udev, usb_sndctrlpipe(hid->udev, 0), HID_REQ_SET_IDLE, HID_REQ_OUT,
			0, ifnum, NULL, 0, 0);
	return 0;
}

static void hid_free(struct usbhid *hid)
{
	usb_free_urb(hid->urb);
	usb_free_urb(hid->led_urb);
	kfree(hid->report);
	kfree(hid->led_buf);
	kfree(hid->led_setup);
	kfree(hid);
}

static struct usbhid *hid_alloc(struct usb_interface *intf, bool keyboard)
{
	struct usbhid *hid = kzalloc(sizeof(*hid), GFP_KERNEL);
	struct usb_device *udev = interface_to_usbdev(intf);

	if (!hid)
		return NULL;
	hid->intf = intf;
	hid->udev = udev;
	hid->keyboard = keyboard;
	hid->urb = usb_alloc_urb(0, GFP_KERNEL);
	hid->led_urb = usb_alloc_urb(0, GFP_KERNEL);
	hid->report = kzalloc(REPORT_MAX, GFP_KERNEL);
	hid->led_buf = kzalloc(1, GFP_KERNEL);
	hid->led_setup = kzalloc(sizeof(*hid->led_setup), GFP_KERNEL);
	if (!hid->urb || !hid->led_urb || !hid->report || !hid->led_buf || !hid->led_setup) {
		hid_free(hid);
		return NULL;
	}
	timer_setup(&hid->repeat, repeat_fire, 0);
	snprintf(hid->name, sizeof(hid->name), "%s %s", udev->manufacturer, udev->product);
	snprintf(hid->phys, sizeof(hid->phys), "usb-%s-%s/input%u",
		 dev_name(udev->bus->controller), udev->devpath,
		 intf->cur_altsetting->desc.bInterfaceNumber);
	return hid;
}

static void hid_fill_urbs(struct usbhid *hid, struct usb_host_endpoint *ep)
{
	unsigned int len = usb_endpoint_maxp(&ep->desc);

	usb_fill_int_urb(hid->urb, hid->udev, usb_rcvintpipe(hid->udev, usb_endpoint_num(&ep->desc)),
			 hid->report, (int)(len < REPORT_MAX ? len : REPORT_MAX), hid_irq, hid,
			 ep->desc.bInterval);
	*hid->led_setup = (struct usb_ctrlrequest){
		.bRequestType = HID_REQ_OUT, .bRequest = HID_REQ_SET_REPORT,
		.wValue = HID_REPORT_OUTPUT << 8,
		.wIndex = hid->intf->cur_altsetting->desc.bInterfaceNumber, .wLength = 1,
	};
	hid->led_urb->dev = hid->udev;
	hid->led_urb->pipe = usb_sndctrlpipe(hid->udev, 0);
	hid->led_urb->setup_packet = hid->led_setup;
	hid->led_urb->transfer_buffer = hid->led_buf;
	hid->led_urb->transfer_buffer_length = 1;
	hid->led_urb->complete = led_complete;
	hid->led_urb->context = hid;
}

static struct usb_host_endpoint *int_in_endpoint(struct usb_interface *intf)
{
	struct usb_host_interface *alt = intf->cur_altsetting;

	for (unsigned int i = 0; i < alt->desc.bNumEndpoints; i++)
		if (usb_endpoint_dir_in(&alt->endpoint[i].desc) &&
		    usb_endpoint_type(&alt->endpoint[i].desc) == USB_ENDPOINT_XFER_INT)
			return &alt->endpoint[i];
	return NULL;
}

static int hid_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct usb_host_endpoint *ep = int_in_endpoint(intf);
	struct usbhid *hid;
	int ret;

	if (!ep) {
		pr_err("usbhid %s: no interrupt IN endpoint\n", dev_name(&intf->dev));
		return -EINVAL;
	}
	hid = hid_alloc(intf, id->bInterfaceProtocol == HID_PROTOCOL_KEYBOARD);
	if (!hid)
		return -ENOMEM;
	ret = hid_set_boot(hid);
	if (ret)
		goto out_free;
	hid_fill_urbs(hid, ep);
	hid->input.name = hid->name;
	hid->input.phys = hid->phys;
	hid->input.owner = THIS_MODULE;
	hid->input.private = hid;
	if (hid->keyboard)
		hid->input.event = hid_input_event;
	usb_set_intfdata(intf, hid);
	ret = input_register_device(&hid->input);
	if (ret)
		goto out_free;
	ret = usb_submit_urb(hid->urb, GFP_KERNEL);
	if (ret) {
		pr_err("usbhid %s: interrupt URB not queued: %s\n", dev_name(&intf->dev),
		       errno_name(-ret));
		goto out_unregister;
	}
	return 0;

out_unregister:
	input_unregister_device(&hid->input);
out_free:
	hid_free(hid);
	return ret;
}

static void hid_disconnect(struct usb_interface *intf)
{
	struct usbhid *hid = usb_get_intfdata(intf);

	usb_kill_urb(hid->urb);
	usb_kill_urb(hid->led_urb);
	del_timer_sync(&hid->repeat);
	input_unregister_device(&hid->input);
	hid_free(hid);
}

static const struct usb_device_id hid_ids[] = {
	{ USB_INTERFACE_INFO(USB_CLASS_HID, 1, HID_PROTOCOL_KEYBOARD) },
	{ USB_INTERFACE_INFO(USB_CLASS_HID, 1, HID_PROTOCOL_MOUSE) },
	{ }
};
MODULE_DEVICE_TABLE(usb, hid_ids);

static struct usb_driver hid_driver = {
	.name = "usbhid",
	.id_table = hid_ids,
	.probe = hid_probe,
	.disconnect = hid_disconnect,
};

static int __init usbhid_init(void)
{
	return usb_register(&hid_driver);
}

static void __exit usbhid_exit(void)
{
	usb_deregister(&hid_driver);
}

module_init(usbhid_init);
module_exit(usbhid_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("USB HID boot-protocol keyboards and mice");
