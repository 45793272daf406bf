/*
 * The driver for external hubs (USB 2.0 chapter 11, class 09): the hub descriptor, port
 * power, port status and reset through hub class requests, and the status change endpoint
 * whose interrupt URB wakes khubd. A hub with no ports or more than 15 (what xHCI route
 * strings address) is refused with one line.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/module.h>
#include <keel/slab.h>
#include "usbcore.h"

#define HUB_REQ_TYPE_PORT_IN (USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_OTHER)
#define HUB_REQ_TYPE_PORT_OUT (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_OTHER)
#define USB_PORT_FEAT_RESET 4
#define USB_PORT_FEAT_POWER 8
#define USB_PORT_FEAT_C_CONNECTION 16
#define USB_PORT_FEAT_C_ENABLE 17
#define USB_PORT_FEAT_C_RESET 20
#define HUB_RESET_TIMEOUT_MS 500
#define HUB_RESET_RECOVERY_MS 10 /* USB 2.0 7.1.7.5 TRSTRCY */
#define HUB_DESC_MAX 71          /* 7 bytes and two 32-byte port bitmaps for 255 ports */

#define hub_err(hdev, fmt, ...)                                                            \
	pr_err("hub %d-%s: " fmt "\n", (hdev)->bus->busnum, (hdev)->devpath, ##__VA_ARGS__)

static int port_feature(struct usb_device *hdev, u8 request, u16 feature, unsigned int port)
{
	int ret = usb_control_msg(hdev, usb_sndctrlpipe(hdev, 0), request, HUB_REQ_TYPE_PORT_OUT,
				  feature, (u16)port, NULL, 0, 0);

	return ret < 0 ? ret : 0;
}

static int ext_get_port(struct usb_hub *hub, unsigned int port, struct usb_port_status *st)
{
	u16 raw[2];
	int ret = usb_control_msg(hub->hdev, usb_rcvctrlpipe(hub->hdev, 0), USB_REQ_GET_STATUS,
				  HUB_REQ_TYPE_PORT_IN, 0, (u16)port, raw, sizeof(raw), 0);

	if (ret < 4) {
		hub_err(hub->hdev, "port %u: status read failed (%d)", port, ret);
		return ret < 0 ? ret : -EPROTO;
	}
	st->wPortStatus = raw[0];
	st->wPortChange = raw[1];
	st->speed = USB_SPEED_UNKNOWN;
	return 0;
}

static void ext_clear_changes(struct usb_hub *hub, unsigned int port, u16 change)
{
	static const struct { u16 bit, feature; } changes[] = {
		{ USB_PORT_STAT_C_CONNECTION, USB_PORT_FEAT_C_CONNECTION },
		{ USB_PORT_STAT_C_ENABLE, USB_PORT_FEAT_C_ENABLE },
		{ USB_PORT_STAT_C_RESET, USB_PORT_FEAT_C_RESET },
		{ 0x0004, 18 }, /* C_PORT_SUSPEND */
		{ 0x0008, 19 }, /* C_PORT_OVER_CURRENT */
	};

	for (unsigned int i = 0; i < sizeof(changes) / sizeof(changes[0]); i++)
		if (change & changes[i].bit)
			port_feature(hub->hdev, USB_REQ_CLEAR_FEATURE, changes[i].feature, port);
}

static int ext_reset_port(struct usb_hub *hub, unsigned int port)
{
	unsigned long end = jiffies + msecs_to_jiffies(HUB_RESET_TIMEOUT_MS);
	struct usb_port_status st;
	int ret = port_feature(hub->hdev, USB_REQ_SET_FEATURE, USB_PORT_FEAT_RESET, port);

	while (!ret) {
		msleep(10);
		ret = ext_get_port(hub, port, &st);
		if (!ret && !(st.wPortStatus & USB_PORT_STAT_RESET) &&
		    (st.wPortStatus & USB_PORT_STAT_ENABLE))
			break;
		if (!ret && time_after(jiffies, end))
			ret = -ETIMEDOUT;
	}
	if (ret)
		return ret;
	port_feature(hub->hdev, USB_REQ_CLEAR_FEATURE, USB_PORT_FEAT_C_RESET, port);
	msleep(HUB_RESET_RECOVERY_MS);
	return 0;
}

static const struct usb_hub_ops ext_hub_ops = {
	.get_port = ext_get_port,
	.reset_port = ext_reset_port,
	.clear_changes = ext_clear_changes,
};

static void hub_status_irq(struct urb *urb)
{
	struct usb_hub *hub = urb->context;

	if (urb->status == 0 || urb->status == -EPROTO)
		usb_hub_kick(hub);
	if (urb->status == 0)
		usb_submit_urb(urb, GFP_ATOMIC);
}

static int hub_start_status_urb(struct usb_hub *hub, struct usb_host_endpoint *ep)
{
	unsigned int len = (hub->nports + 1 + 7) / 8;

	hub->urb = usb_alloc_urb(0, GFP_KERNEL);
	hub->status_buf = kzalloc(len, GFP_KERNEL);
	if (!hub->urb || !hub->status_buf)
		return -ENOMEM;
	usb_fill_int_urb(hub->urb, hub->hdev,
			 usb_rcvintpipe(hub->hdev, usb_endpoint_num(&ep->desc)), hub->status_buf,
			 (int)len, hub_status_irq, hub, ep->desc.bInterval);
	return usb_submit_urb(hub->urb, GFP_KERNEL);
}

static int hub_read_descriptor(struct usb_device *hdev, struct usb_hub_descriptor *desc)
{
	u8 buf[HUB_DESC_MAX];
	const char *why;
	int ret = usb_control_msg(hdev, usb_rcvctrlpipe(hdev, 0), USB_REQ_GET_DESCRIPTOR,
				  USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_DEVICE, USB_DT_HUB << 8,
				  0, buf, sizeof(buf), 0);

	if (ret < 0) {
		hub_err(hdev, "unable to read hub descriptor (%d)", ret);
		return ret;
	}
	if (usb_parse_hub_descriptor(buf, (size_t)ret, desc, &why)) {
		if (ret >= 3)
			hub_err(hdev, "hub reports %u ports: %s: refused", buf[2], why);
		else
			hub_err(hdev, "%s: refused", why);
		return -EINVAL;
	}
	return 0;
}

static void hub_power_on(struct usb_hub *hub)
{
	for (unsigned int port = 1; port <= hub->nports; port++)
		port_feature(hub->hdev, USB_REQ_SET_FEATURE, USB_PORT_FEAT_POWER, port);
	msleep(hub->power_on_ms > 100 ? hub->power_on_ms : 100);
}

static int hub_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct usb_device *hdev = interface_to_usbdev(intf);
	struct usb_host_interface *alt = intf->cur_altsetting;
	struct usb_hub_descriptor desc;
	struct usb_hub *hub;
	int ret;

	(void)id;
	if (alt->desc.bNumEndpoints != 1 || !usb_endpoint_dir_in(&alt->endpoint[0].desc) ||
	    usb_endpoint_type(&alt->endpoint[0].desc) != USB_ENDPOINT_XFER_INT) {
		hub_err(hdev, "no interrupt IN status endpoint: refused");
		return -EINVAL;
	}
	ret = hub_read_descriptor(hdev, &desc);
	if (!ret)
		ret = hdev->bus->driver->update_hub(hdev->bus, hdev, desc.bNbrPorts);
	if (ret)
		return ret;
	hub = usb_hub_create(hdev, desc.bNbrPorts, &ext_hub_ops);
	if (!hub)
		return -ENOMEM;
	hub->intf = intf;
	hub->power_on_ms = desc.bPwrOn2PwrGood * 2u;
	pr_info("hub %d-%s: %u ports detected\n", hdev->bus->busnum, hdev->devpath, hub->nports);
	hub_power_on(hub);
	ret = hub_start_status_urb(hub, &alt->endpoint[0]);
	if (ret) {
		hub_err(hdev, "status endpoint not started (%d)", ret);
		usb_hub_destroy(hub);
		return ret;
	}
	usb_hub_kick(hub);
	return 0;
}

static void hub_disconnect(struct usb_interface *intf)
{
	struct usb_device *hdev = interface_to_usbdev(intf);

	if (hdev->hub)
		usb_hub_destroy(hdev->hub);
}

static const struct usb_device_id hub_ids[] = {
	{ .match_flags = USB_DEVICE_ID_MATCH_INT_CLASS, .bInterfaceClass = USB_CLASS_HUB },
	{ }
};

static struct usb_driver hub_driver = {
	.name = "hub",
	.id_table = hub_ids,
	.probe = hub_probe,
	.disconnect = hub_disconnect,
};

int usb_hub_driver_register(void)
{
	return usb_register_driver(&hub_driver, THIS_MODULE);
}

void usb_hub_driver_unregister(void)
{
	usb_deregister(&hub_driver);
}
