/*
 * Enumeration of a device on a freshly reset port (after Linux's hub_port_init and
 * usb_new_device): a slot and address from the host controller (xHCI's Address Device sends
 * SET_ADDRESS), the device descriptor (8 bytes first for bMaxPacketSize0), configuration 1
 * parsed with bounds checks, the strings, SET_CONFIGURATION, then one bus device per
 * interface. Any failure is one line and the device is skipped. Also the way back: disconnect.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "usbcore.h"

#define USB_MAX_CONFIG_LEN 4096 /* anything longer is absurd for the devices we drive */

#define udev_err(udev, fmt, ...)                                                           \
	pr_err("usb %d-%s: " fmt "\n", (udev)->bus->busnum, (udev)->devpath, ##__VA_ARGS__)
#define udev_info(udev, fmt, ...)                                                          \
	pr_info("usb %d-%s: " fmt "\n", (udev)->bus->busnum, (udev)->devpath, ##__VA_ARGS__)

static int alloc_devnum(struct usb_hcd *hcd)
{
	for (int n = 2; n < 128; n++) {
		if (!(hcd->devmap[n / 32] & (1u << (n % 32)))) {
			hcd->devmap[n / 32] |= 1u << (n % 32);
			return n;
		}
	}
	return -ENOSPC;
}

static void free_devnum(struct usb_hcd *hcd, int n)
{
	if (n > 0 && n < 128)
		hcd->devmap[n / 32] &= ~(1u << (n % 32));
}

static unsigned int ep0_default_maxp(enum usb_device_speed speed)
{
	switch (speed) {
	case USB_SPEED_HIGH:
		return 64;
	case USB_SPEED_SUPER:
		return 512;
	default:
		return 8;
	}
}

/* Where the device sits: devpath, route string, root port, transaction translator. */
static void set_topology(struct usb_device *udev, struct usb_device *parent, unsigned int port)
{
	udev->parent = parent;
	udev->portnum = port;
	udev->level = parent->level + 1;
	if (parent->level == 0) {
		udev->root_port = port;
		snprintf(udev->devpath, sizeof(udev->devpath), "%u", port);
	} else {
		udev->root_port = parent->root_port;
		udev->route = parent->route | (port << (4 * (parent->level - 1)));
		snprintf(udev->devpath, sizeof(udev->devpath), "%s.%u", parent->devpath, port);
	}
	if (parent->tt_hub) {
		udev->tt_hub = parent->tt_hub;
		udev->tt_port = parent->tt_port;
	} else if (parent->level > 0 && parent->speed == USB_SPEED_HIGH &&
		   (udev->speed == USB_SPEED_LOW || udev->speed == USB_SPEED_FULL)) {
		udev->tt_hub = parent;
		udev->tt_port = port;
	}
}

static struct usb_device *alloc_udev(struct usb_hub *hub, unsigned int port,
				     enum usb_device_speed speed)
{
	struct usb_device *udev = kzalloc(sizeof(*udev), GFP_KERNEL);

	if (!udev)
		return NULL;
	udev->bus = hub->hdev->bus;
	udev->speed = speed;
	set_topology(udev, hub->hdev, port);
	INIT_LIST_HEAD(&udev->bus_list);
	udev->ep0.desc = (struct usb_endpoint_descriptor){
		.bLength = USB_DT_ENDPOINT_SIZE, .bDescriptorType = USB_DT_ENDPOINT,
		.bmAttributes = USB_ENDPOINT_XFER_CONTROL,
		.wMaxPacketSize = (u16)ep0_default_maxp(speed),
	};
	return udev;
}

static bool maxp0_valid(const struct usb_device *udev, unsigned int mp)
{
	if (udev->speed == USB_SPEED_SUPER)
		return mp == 9; /* 2^9 = 512 */
	return mp == 8 || mp == 16 || mp == 32 || mp == 64;
}

static int read_device_descriptor(struct usb_device *udev)
{
	struct usb_device_descriptor *d = &udev->descriptor;
	unsigned int mp;
	int ret = usb_get_descriptor(udev, USB_DT_DEVICE, 0, d, 8);

	if (ret < 8) {
		udev_err(udev, "device descriptor read/8, error %d", ret < 0 ? ret : -EPROTO);
		return ret < 0 ? ret : -EPROTO;
	}
	if (!maxp0_valid(udev, d->bMaxPacketSize0)) {
		udev_err(udev, "invalid bMaxPacketSize0 %u, skipped", d->bMaxPacketSize0);
		return -EINVAL;
	}
	mp = udev->speed == USB_SPEED_SUPER ? 512 : d->bMaxPacketSize0;
	if (mp != udev->ep0.desc.wMaxPacketSize) {
		udev->ep0.desc.wMaxPacketSize = (u16)mp;
		ret = udev->bus->driver->update_ep0(udev->bus, udev);
		if (ret)
			return ret;
	}
	ret = usb_get_descriptor(udev, USB_DT_DEVICE, 0, d, USB_DT_DEVICE_SIZE);
	if (ret < USB_DT_DEVICE_SIZE || d->bLength < USB_DT_DEVICE_SIZE ||
	    d->bDescriptorType != USB_DT_DEVICE) {
		udev_err(udev, "device descriptor read/18, error %d", ret < 0 ? ret : -EPROTO);
		return ret < 0 ? ret : -EPROTO;
	}
	if (d->bNumConfigurations == 0) {
		udev_err(udev, "device has no configurations, skipped");
		return -EINVAL;
	}
	return 0;
}

static int read_config_total(struct usb_device *udev, u8 **out, int *len)
{
	struct usb_config_descriptor hdr;
	int ret = usb_get_descriptor(udev, USB_DT_CONFIG, 0, &hdr, USB_DT_CONFIG_SIZE);
	u8 *buf;

	if (ret < USB_DT_CONFIG_SIZE) {
		udev_err(udev, "configuration descriptor read/9, error %d", ret < 0 ? ret : -EPROTO);
		return ret < 0 ? ret : -EPROTO;
	}
	if (hdr.wTotalLength < USB_DT_CONFIG_SIZE || hdr.wTotalLength > USB_MAX_CONFIG_LEN) {
		udev_err(udev, "configuration of %u bytes (wTotalLength), skipped", hdr.wTotalLength);
		return -EINVAL;
	}
	buf = kmalloc(hdr.wTotalLength, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = usb_get_descriptor(udev, USB_DT_CONFIG, 0, buf, hdr.wTotalLength);
	if (ret < 0) {
		udev_err(udev, "configuration descriptor read/%u, error %d", hdr.wTotalLength, ret);
		kfree(buf);
		return ret;
	}
	*out = buf;
	*len = ret;
	return 0;
}

static int read_configuration(struct usb_device *udev)
{
	struct usb_host_config *cfg;
	const char *why;
	u8 *buf;
	int len, ret = read_config_total(udev, &buf, &len);

	if (ret)
		return ret;
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	ret = cfg ? usb_parse_configuration(buf, (size_t)len, cfg, &why) : -ENOMEM;
	kfree(buf);
	if (ret) {
		if (cfg)
			udev_err(udev, "bad configuration descriptor: %s, skipped", why);
		kfree(cfg);
		return ret;
	}
	udev->actconfig = cfg;
	for (unsigned int i = 0; i < cfg->num_endpoints; i++) {
		struct usb_host_endpoint *ep = &cfg->ep[i];

		if (usb_endpoint_dir_in(&ep->desc))
			udev->ep_in[usb_endpoint_num(&ep->desc)] = ep;
		else
			udev->ep_out[usb_endpoint_num(&ep->desc)] = ep;
	}
	return 0;
}

/* String descriptor index as ASCII ('?' for anything else); empty on any error. */
static void read_string(struct usb_device *udev, u16 langid, u8 index, char *out, size_t size)
{
	u8 buf[2 * 39 + 2];
	int ret, n = 0;

	out[0] = '\0';
	if (!index || !langid)
		return;
	ret = usb_control_msg(udev, usb_rcvctrlpipe(udev, 0), USB_REQ_GET_DESCRIPTOR, USB_DIR_IN,
			      (USB_DT_STRING << 8) | index, langid, buf, sizeof(buf), 0);
	if (ret < 2 || buf[1] != USB_DT_STRING)
		return;
	if (buf[0] < ret)
		ret = buf[0];
	for (int i = 2; i + 1 < ret && n + 1 < (int)size; i += 2)
		out[n++] = (buf[i + 1] || buf[i] < 0x20 || buf[i] > 0x7e) ? '?' : (char)buf[i];
	out[n] = '\0';
}

static void read_strings(struct usb_device *udev)
{
	u8 langs[4];
	u16 langid = 0;
	int ret = usb_get_descriptor(udev, USB_DT_STRING, 0, langs, sizeof(langs));

	if (ret >= 4)
		langid = (u16)(langs[2] | langs[3] << 8);
	read_string(udev, langid, udev->descriptor.iManufacturer, udev->manufacturer,
		    sizeof(udev->manufacturer));
	read_string(udev, langid, udev->descriptor.iProduct, udev->product,
		    sizeof(udev->product));
	read_string(udev, langid, udev->descriptor.iSerialNumber, udev->serial,
		    sizeof(udev->serial));
}

static int set_configuration(struct usb_device *udev)
{
	int ret = udev->bus->driver->configure(udev->bus, udev);

	if (ret) {
		udev_err(udev, "endpoints not configured by the host controller (%d)", ret);
		return ret;
	}
	ret = usb_control_msg(udev, usb_sndctrlpipe(udev, 0), USB_REQ_SET_CONFIGURATION, 0,
			      udev->actconfig->desc.bConfigurationValue, 0, NULL, 0, 0);
	if (ret < 0)
		udev_err(udev, "can't set config #%u, error %d",
			 udev->actconfig->desc.bConfigurationValue, ret);
	return ret < 0 ? ret : 0;
}

static void announce(struct usb_device *udev)
{
	const struct usb_device_descriptor *d = &udev->descriptor;

	udev_info(udev, "New USB device found, idVendor=%04x, idProduct=%04x, bcdDevice=%2x.%02x",
		  d->idVendor, d->idProduct, d->bcdDevice >> 8, d->bcdDevice & 0xff);
	if (udev->product[0])
		udev_info(udev, "Product: %s", udev->product);
	if (udev->manufacturer[0])
		udev_info(udev, "Manufacturer: %s", udev->manufacturer);
}

static int setup_device(struct usb_device *udev)
{
	int ret = read_device_descriptor(udev);

	if (!ret)
		ret = read_configuration(udev);
	if (ret)
		return ret;
	read_strings(udev);
	announce(udev);
	return set_configuration(udev);
}

/* Registers the interfaces; drivers not loaded yet are asked for by modalias (by khubd,
 * once it has let go of its locks: a module load may wait for them). */
static void add_interfaces(struct usb_device *udev)
{
	char (*aliases)[MODALIAS_MAX] = kmalloc(USB_MAXINTERFACES * MODALIAS_MAX, GFP_KERNEL);
	unsigned int n = 0;

	mutex_lock(&usb_bus_lock);
	list_add_tail(&udev->bus_list, &udev->bus->root_hub->bus_list);
	if (aliases)
		usb_register_interfaces(udev, aliases, &n);
	mutex_unlock(&usb_bus_lock);
	for (unsigned int i = 0; i < n; i++)
		usb_queue_modalias(aliases[i]);
	kfree(aliases);
}

struct usb_device *usb_new_device(struct usb_hub *hub, unsigned int port,
				  enum usb_device_speed speed)
{
	struct usb_device *udev = alloc_udev(hub, port, speed);
	struct usb_hcd *hcd = hub->hdev->bus;
	int ret;

	if (!udev)
		return NULL;
	udev->devnum = alloc_devnum(hcd);
	if (udev->devnum < 0) {
		udev_err(udev, "no device number left on bus %d", hcd->busnum);
		goto out_free;
	}
	udev_info(udev, "new %s-speed USB device number %d using %s", usb_speed_name(speed),
		  udev->devnum, hcd->driver->description);
	ret = hcd->driver->alloc_dev(hcd, udev);
	if (ret) {
		udev_err(udev, "device not accepting address %d, error %d", udev->devnum, ret);
		goto out_devnum;
	}
	if (setup_device(udev))
		goto out_free_dev;
	add_interfaces(udev);
	return udev;

out_free_dev:
	hcd->driver->free_dev(hcd, udev);
out_devnum:
	free_devnum(hcd, udev->devnum);
out_free:
	kfree(udev->actconfig);
	kfree(udev);
	return NULL;
}

void usb_disconnect(struct usb_device *udev)
{
	struct usb_hcd *hcd = udev->bus;
	unsigned long flags;

	local_irq_save(flags);
	udev->gone = true;
	local_irq_restore(flags);
	pr_info("usb %d-%s: USB disconnect, device number %d\n", hcd->busnum, udev->devpath,
		udev->devnum);
	if (udev->hub)
		usb_hub_destroy(udev->hub);
	mutex_lock(&usb_bus_lock);
	list_del(&udev->bus_list);
	usb_unregister_interfaces(udev);
	mutex_unlock(&usb_bus_lock);
	hcd->driver->free_dev(hcd, udev);
	free_devnum(hcd, udev->devnum);
	kfree(udev->actconfig);
	kfree(udev);
}
