/* Pieces shared inside usbcore.ko: the bus, hubs (root and external), enumeration, lsusb. */
#ifndef USBCORE_USBCORE_H
#define USBCORE_USBCORE_H

#include <keel/mutex.h>
#include <keel/printk.h>
#include <keel/usb.h>
#include <keel/usb/hcd.h>

#define USB_MAX_DEPTH 6 /* root hub + 5 tiers of hubs (xHCI route strings have 5 nibbles) */

struct usb_hub;

/* How a hub's ports are reached: the host controller (root) or hub class requests. */
struct usb_hub_ops {
	int (*get_port)(struct usb_hub *hub, unsigned int port, struct usb_port_status *st);
	int (*reset_port)(struct usb_hub *hub, unsigned int port);
	void (*clear_changes)(struct usb_hub *hub, unsigned int port, u16 change);
};

struct usb_hub {
	struct usb_device *hdev;
	struct usb_interface *intf; /* NULL for a root hub */
	const struct usb_hub_ops *ops;
	unsigned int nports;
	unsigned int power_on_ms;
	struct usb_device *children[USB_MAXCHILDREN + 1]; /* 1-based */
	bool event;        /* the hub thread should look at the ports */
	bool quiesced;     /* being removed: no more events */
	u32 failed;        /* ports whose device was skipped, until it is replugged */
	struct urb *urb;   /* status change endpoint (external hubs) */
	u8 *status_buf;
	struct list_head list;
};

extern struct bus_type usb_bus_type;
extern struct mutex usb_bus_lock; /* device registration, hub lists, bus numbers */
extern struct list_head usb_bus_list; /* struct usb_hcd */

/* hub.c */
int usb_hub_thread_start(void);
void usb_hub_thread_stop(void);
struct usb_hub *usb_hub_create(struct usb_device *hdev, unsigned int nports,
			       const struct usb_hub_ops *ops);
void usb_hub_destroy(struct usb_hub *hub); /* disconnects the children first */
void usb_hub_kick(struct usb_hub *hub);    /* any context */
void usb_queue_modalias(const char *alias); /* khubd: request_module once unlocked */
int usb_hub_driver_register(void);
void usb_hub_driver_unregister(void);

/* enumerate.c */
struct usb_device *usb_new_device(struct usb_hub *hub, unsigned int port,
				  enum usb_device_speed speed);
void usb_disconnect(struct usb_device *udev);

/* driver.c */
int usb_register_interfaces(struct usb_device *udev, char (*aliases)[MODALIAS_MAX],
			    unsigned int *n);
void usb_unregister_interfaces(struct usb_device *udev);
int usb_interface_modalias(struct usb_interface *intf, char *buf, size_t size);

/* lsusb.c */
int usb_lsusb_register(void);
void usb_lsusb_unregister(void);
const char *usb_speed_name(enum usb_device_speed speed);

#endif
