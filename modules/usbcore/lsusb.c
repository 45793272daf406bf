/*
 * The lsusb command: one line per device in Linux's format,
 * "Bus 001 Device 002: ID 0627:0001 QEMU QEMU USB Keyboard" (names from the device's own
 * strings, as lsusb falls back to without usb.ids), and -t for the tree of hubs, ports,
 * interfaces and their drivers, as `lsusb -t` draws it.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "usbcore.h"

const char *usb_speed_name(enum usb_device_speed speed)
{
	switch (speed) {
	case USB_SPEED_LOW:
		return "low";
	case USB_SPEED_FULL:
		return "full";
	case USB_SPEED_HIGH:
		return "high";
	case USB_SPEED_SUPER:
		return "super";
	default:
		return "unknown";
	}
}

static const char *speed_mbps(enum usb_device_speed speed)
{
	static const char *const mbps[] = { "?", "1.5M", "12M", "480M", "?", "5000M" };

	return mbps[speed <= USB_SPEED_SUPER ? speed : 0];
}

static const char *class_name(u8 cls)
{
	switch (cls) {
	case USB_CLASS_HID:
		return "Human Interface Device";
	case USB_CLASS_MASS_STORAGE:
		return "Mass Storage";
	case USB_CLASS_HUB:
		return "Hub";
	default:
		return "Vendor Specific Class";
	}
}

static void print_device(struct usb_device *udev)
{
	console_printf("Bus %03d Device %03d: ID %04x:%04x %.24s %.30s\n", udev->bus->busnum,
		       udev->devnum, udev->descriptor.idVendor, udev->descriptor.idProduct,
		       udev->manufacturer, udev->product);
}

/* Devices sorted by number, as lsusb walks them. */
static void list_bus(struct usb_hcd *hcd)
{
	struct usb_device *udev;

	print_device(hcd->root_hub);
	for (int n = 2; n < 128; n++)
		list_for_each_entry(udev, &hcd->root_hub->bus_list, bus_list)
			if (udev->devnum == n)
				print_device(udev);
}

static void print_tree(struct usb_device *udev, unsigned int depth)
{
	struct usb_hub *hub = udev->hub;

	for (unsigned int i = 0; udev->actconfig && i < udev->actconfig->num_interfaces; i++) {
		struct usb_interface *intf = udev->intf[i];

		console_printf("%*s|__ Port %u: Dev %d, If %u, Class=%s, Driver=%s, %s\n",
			       (int)(4 * depth), "", udev->portnum, udev->devnum, i,
			       class_name(udev->actconfig->intf[i].desc.bInterfaceClass),
			       intf && intf->dev.driver ? intf->dev.driver->name : "",
			       speed_mbps(udev->speed));
	}
	for (unsigned int port = 1; hub && port <= hub->nports; port++)
		if (hub->children[port])
			print_tree(hub->children[port], depth + 1);
}

static int lsusb_run(int argc, char **argv)
{
	bool tree = argc == 2;
	struct usb_hcd *hcd;
	struct usb_hub *rh;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-t") != 0)) {
		console_puts("usage: lsusb [-t]\n");
		return 1;
	}
	mutex_lock(&usb_bus_lock);
	list_for_each_entry(hcd, &usb_bus_list, list) {
		if (!hcd->root_hub)
			continue;
		if (!tree) {
			list_bus(hcd);
			continue;
		}
		console_printf("/:  Bus %02d.Port 1: Dev 1, Class=root_hub, Driver=%s/%up, 5000M\n",
			       hcd->busnum, hcd->driver->description, hcd->nports);
		rh = hcd->root_hub->hub;
		for (unsigned int port = 1; rh && port <= rh->nports; port++)
			if (rh->children[port])
				print_tree(rh->children[port], 1);
	}
	mutex_unlock(&usb_bus_lock);
	return 0;
}

static const struct shell_command lsusb_command = {
	.name = "lsusb",
	.usage = "lsusb [-t]",
	.help = "list USB devices (-t: the tree of ports, interfaces and drivers)",
	.run = lsusb_run,
};

int usb_lsusb_register(void)
{
	return shell_register_command(&lsusb_command);
}

void usb_lsusb_unregister(void)
{
	shell_unregister_command(&lsusb_command);
}
