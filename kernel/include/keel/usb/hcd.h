/*
 * The interface between usbcore.ko and host controller drivers (xhci.ko), after Linux's
 * <linux/usb/hcd.h>, cut down: the controller addresses and configures devices itself (xHCI's
 * Address Device and Configure Endpoint), and its root ports are reported in USB 2.0 hub port
 * status form (wPortStatus/wPortChange bits below) so usbcore's hub code drives root and
 * external hubs alike.
 */
#ifndef KEEL_USB_HCD_H
#define KEEL_USB_HCD_H

#include <keel/usb.h>

/* USB 2.0 11.24.2.7 wPortStatus and wPortChange bits; Linux's names. */
#define USB_PORT_STAT_CONNECTION 0x0001
#define USB_PORT_STAT_ENABLE 0x0002
#define USB_PORT_STAT_RESET 0x0010
#define USB_PORT_STAT_POWER 0x0100
#define USB_PORT_STAT_LOW_SPEED 0x0200
#define USB_PORT_STAT_HIGH_SPEED 0x0400
#define USB_PORT_STAT_C_CONNECTION 0x0001
#define USB_PORT_STAT_C_ENABLE 0x0002
#define USB_PORT_STAT_C_RESET 0x0010

struct usb_port_status {
	u16 wPortStatus;
	u16 wPortChange;
	enum usb_device_speed speed; /* when connected and enabled */
};

struct hc_driver {
	const char *description; /* "xhci-hcd" */
	/* Root ports: status, reset (waits for it; 0 or -errno), clearing the change bits. */
	int (*port_status)(struct usb_hcd *hcd, unsigned int port, struct usb_port_status *st);
	int (*port_reset)(struct usb_hcd *hcd, unsigned int port);
	void (*port_clear_changes)(struct usb_hcd *hcd, unsigned int port, u16 change);
	/* A slot for udev (speed, route, root_port, tt_* set) and its address (SET_ADDRESS). */
	int (*alloc_dev)(struct usb_hcd *hcd, struct usb_device *udev);
	void (*free_dev)(struct usb_hcd *hcd, struct usb_device *udev); /* URBs given back */
	/* udev->ep0's wMaxPacketSize changed (read from the device descriptor). */
	int (*update_ep0)(struct usb_hcd *hcd, struct usb_device *udev);
	/* Enables the endpoints of udev->actconfig (before SET_CONFIGURATION). */
	int (*configure)(struct usb_hcd *hcd, struct usb_device *udev);
	/* udev is a hub with nports ports (the slot context says so, for its children). */
	int (*update_hub)(struct usb_hcd *hcd, struct usb_device *udev, unsigned int nports);
	/* Resets a halted endpoint's state in the controller (after a stall). */
	int (*reset_endpoint)(struct usb_hcd *hcd, struct usb_device *udev,
			      struct usb_host_endpoint *ep);
	/* Any context. 0 or -errno. */
	int (*urb_enqueue)(struct usb_hcd *hcd, struct urb *urb, unsigned int gfp);
	/* Process context: stops the endpoint and gives urb back with status. */
	int (*urb_dequeue)(struct usb_hcd *hcd, struct urb *urb, int status);
};

struct usb_hcd {
	struct device *controller; /* the PCI function */
	const struct hc_driver *driver;
	unsigned int nports;       /* root hub ports */
	int busnum;                /* 1, 2, ... as lsusb shows it */
	struct usb_device *root_hub;
	u32 devmap[4];             /* device numbers in use, bit n = devnum n */
	void *hcd_priv;
	struct list_head list;
};

/*
 * Registers the bus: a root hub with hcd->nports ports, whose devices usbcore's hub thread
 * enumerates from now on; waits (10 s at most) until it has looked at every port, hubs
 * included, so devices present at boot are there when it returns. Process context; sleeps.
 * 0 or -errno. Follows usb_add_hcd.
 */
int usb_add_hcd(struct usb_hcd *hcd);
/* Disconnects every device (drivers' disconnect run, deepest first), then the root hub; the
 * controller must still run commands. Process context; sleeps. Follows usb_remove_hcd. */
void usb_remove_hcd(struct usb_hcd *hcd);
/* A root port changed: the hub thread looks at the root hub. Any context (the controller's
 * interrupt). Follows usb_hcd_poll_rh_status. */
void usb_hcd_poll_rh_status(struct usb_hcd *hcd);
/* The controller finished urb (status 0 or -errno, actual_length set): marks it idle and
 * calls complete() with interrupts off. Any context. Follows usb_hcd_giveback_urb. */
void usb_hcd_giveback_urb(struct usb_hcd *hcd, struct urb *urb, int status);

#endif
