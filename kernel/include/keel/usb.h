/*
 * USB for drivers: the device model of usbcore.ko (modules/usbcore/), after Linux's
 * <linux/usb.h>. USB devices are enumerated by usbcore's hub thread; each interface of the
 * active configuration is a device on the "usb" bus, named "B-P[.P...]:C.I" ("1-1:1.0"), with
 * Linux's modalias (usb:vVVVVpPPPPdDDDDdcXXdscXXdpXXicXXiscXXipXXinXX), so
 * MODULE_DEVICE_TABLE(usb, ids) autoloads drivers as for PCI.
 *
 *   static const struct usb_device_id ids[] = { { USB_INTERFACE_INFO(3, 1, 1) }, { } };
 *   MODULE_DEVICE_TABLE(usb, ids);
 *   static struct usb_driver drv = { .name = "x", .id_table = ids, .probe = ..,
 *                                    .disconnect = .. };
 *   module_init: return usb_register(&drv);   module_exit: usb_deregister(&drv);
 *
 * Transfers go through URBs (struct urb): usb_submit_urb() queues one on the host controller
 * and its complete() callback runs when it is done, in interrupt context (or from the
 * controller's polling timer). usb_control_msg()/usb_bulk_msg() wrap that for process context.
 * Transfer buffers must be DMA-able: from kmalloc() or alloc_pages(), never a stack or a
 * module's static data. See docs/drivers.md, "USB".
 */
#ifndef KEEL_USB_H
#define KEEL_USB_H

#include <keel/completion.h>
#include <keel/device.h>
#include <keel/list.h>
#include <keel/types.h>
#include <keel/usb/ch9.h>

struct usb_hcd;
struct urb;

#define USB_MAXINTERFACES 32 /* per configuration (Linux's limit) */
#define USB_MAXENDPOINTS 30  /* per device, ep0 not counted (15 IN + 15 OUT) */
#define USB_MAXCHILDREN 15   /* ports per hub xHCI route strings can address */
#define USB_CTRL_TIMEOUT_MS 5000 /* Linux's USB_CTRL_GET_TIMEOUT */

struct usb_host_endpoint {
	struct usb_endpoint_descriptor desc;
	void *hcpriv; /* the host controller's ring */
};

/* One interface (alternate setting 0: the one usbcore selects) of the active configuration. */
struct usb_host_interface {
	struct usb_interface_descriptor desc;
	struct usb_host_endpoint *endpoint; /* desc.bNumEndpoints of them, in the config's ep[] */
};

/* A parsed configuration descriptor (usb_parse_configuration). */
struct usb_host_config {
	struct usb_config_descriptor desc;
	unsigned int num_interfaces;
	struct usb_host_interface intf[USB_MAXINTERFACES];
	unsigned int num_endpoints;
	struct usb_host_endpoint ep[USB_MAXENDPOINTS];
};

struct usb_device;

struct usb_interface {
	struct device dev;
	struct usb_host_interface *cur_altsetting;
	struct usb_device *usb_dev;
	bool registered;
};

#define to_usb_interface(d) container_of(d, struct usb_interface, dev)

struct usb_device {
	int devnum;                 /* on its bus, 1 (root hub) .. 127, as lsusb shows it */
	char devpath[16];           /* "0" for a root hub, "1", "1.3" ... */
	enum usb_device_speed speed;
	struct usb_device *parent;  /* NULL for a root hub */
	unsigned int portnum;       /* port on the parent hub, 1-based */
	unsigned int level;         /* 0 root hub, 1 on a root port, ... */
	u32 route;                  /* xHCI route string: a port nibble per hub tier below root */
	unsigned int root_port;     /* root hub port the device hangs off (1-based) */
	struct usb_hcd *bus;
	struct usb_device_descriptor descriptor;
	struct usb_host_config *actconfig;
	struct usb_host_endpoint ep0;
	struct usb_host_endpoint *ep_in[16], *ep_out[16];
	struct usb_interface *intf[USB_MAXINTERFACES];
	char manufacturer[40], product[40], serial[40];
	void *hub;                  /* usbcore's struct usb_hub when the device is a hub */
	void *hcpriv;               /* the host controller's slot */
	struct usb_device *tt_hub;  /* high-speed hub translating for a low/full-speed device */
	unsigned int tt_port;       /* its port */
	bool gone;                  /* unplugged: new URBs fail with -ENODEV */
	struct list_head bus_list;
};

/* ---- ID tables (Linux's layout, 32 bytes; tools/usbalias.py reads them) ---- */
#define USB_DEVICE_ID_MATCH_VENDOR 0x0001
#define USB_DEVICE_ID_MATCH_PRODUCT 0x0002
#define USB_DEVICE_ID_MATCH_DEV_LO 0x0004
#define USB_DEVICE_ID_MATCH_DEV_HI 0x0008
#define USB_DEVICE_ID_MATCH_DEV_CLASS 0x0010
#define USB_DEVICE_ID_MATCH_DEV_SUBCLASS 0x0020
#define USB_DEVICE_ID_MATCH_DEV_PROTOCOL 0x0040
#define USB_DEVICE_ID_MATCH_INT_CLASS 0x0080
#define USB_DEVICE_ID_MATCH_INT_SUBCLASS 0x0100
#define USB_DEVICE_ID_MATCH_INT_PROTOCOL 0x0200
#define USB_DEVICE_ID_MATCH_INT_NUMBER 0x0400

struct usb_device_id {
	u16 match_flags;
	u16 idVendor, idProduct, bcdDevice_lo, bcdDevice_hi;
	u8 bDeviceClass, bDeviceSubClass, bDeviceProtocol;
	u8 bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol;
	u8 bInterfaceNumber;
	unsigned long driver_info;
};

#define USB_DEVICE(vend, prod)                                                             \
	.match_flags = USB_DEVICE_ID_MATCH_VENDOR | USB_DEVICE_ID_MATCH_PRODUCT,           \
	.idVendor = (vend), .idProduct = (prod)
#define USB_INTERFACE_INFO(cl, sc, pr)                                                     \
	.match_flags = USB_DEVICE_ID_MATCH_INT_CLASS | USB_DEVICE_ID_MATCH_INT_SUBCLASS |  \
		       USB_DEVICE_ID_MATCH_INT_PROTOCOL,                                   \
	.bInterfaceClass = (cl), .bInterfaceSubClass = (sc), .bInterfaceProtocol = (pr)

struct usb_driver {
	const char *name;
	const struct usb_device_id *id_table; /* ends with an all-zero entry */
	/* Process context, may sleep. 0 when the driver took the interface. */
	int (*probe)(struct usb_interface *intf, const struct usb_device_id *id);
	/* Unbind or unplug: kill every URB, unregister what probe registered. May sleep. */
	void (*disconnect)(struct usb_interface *intf);
	struct device_driver driver;
};

#define to_usb_driver(d) container_of(d, struct usb_driver, driver)

/*
 * Registers drv and probes it on every unbound interface that matches its id_table. 0,
 * -EINVAL (no name or id_table), -EEXIST (registered already); probe failures are not errors.
 * Process context; sleeps (probes run here). Follows Linux's usb_register_driver.
 */
int usb_register_driver(struct usb_driver *drv, struct module *owner);
#define usb_register(drv) usb_register_driver(drv, THIS_MODULE)
/* Calls disconnect for every interface drv holds, then forgets it. Sleeps. */
void usb_deregister(struct usb_driver *drv);

static inline struct usb_device *interface_to_usbdev(struct usb_interface *intf)
{
	return intf->usb_dev;
}
static inline void *usb_get_intfdata(struct usb_interface *intf)
{
	return dev_get_drvdata(&intf->dev);
}
static inline void usb_set_intfdata(struct usb_interface *intf, void *data)
{
	dev_set_drvdata(&intf->dev, data);
}

/* ---- Pipes (Linux's encoding without the device number) ---- */
#define PIPE_ISOCHRONOUS 0
#define PIPE_INTERRUPT 1
#define PIPE_CONTROL 2
#define PIPE_BULK 3
#define usb_pipetype(pipe) (((pipe) >> 30) & 3)
#define usb_pipeendpoint(pipe) (((pipe) >> 15) & 0xf)
#define usb_pipein(pipe) ((pipe) & USB_DIR_IN)
#define __usb_pipe(type, ep, dir) (((unsigned int)(type) << 30) | ((unsigned int)(ep) << 15) | (dir))
#define usb_sndctrlpipe(dev, ep) __usb_pipe(PIPE_CONTROL, ep, USB_DIR_OUT)
#define usb_rcvctrlpipe(dev, ep) __usb_pipe(PIPE_CONTROL, ep, USB_DIR_IN)
#define usb_sndbulkpipe(dev, ep) __usb_pipe(PIPE_BULK, ep, USB_DIR_OUT)
#define usb_rcvbulkpipe(dev, ep) __usb_pipe(PIPE_BULK, ep, USB_DIR_IN)
#define usb_rcvintpipe(dev, ep) __usb_pipe(PIPE_INTERRUPT, ep, USB_DIR_IN)
#define usb_sndintpipe(dev, ep) __usb_pipe(PIPE_INTERRUPT, ep, USB_DIR_OUT)

/* ---- URBs ---- */
typedef void (*usb_complete_t)(struct urb *urb);

struct urb {
	struct usb_device *dev;
	unsigned int pipe;
	struct usb_ctrlrequest *setup_packet; /* control transfers: 8 bytes, copied on submit */
	void *transfer_buffer;                /* DMA-able (kmalloc), or NULL with length 0 */
	u32 transfer_buffer_length;
	u32 actual_length;  /* bytes moved, set before complete() */
	int status;         /* 0, -EINPROGRESS while queued, or -errno (-EPIPE stall, -EPROTO
			     * transaction error, -ENOENT killed, -ESHUTDOWN device gone) */
	usb_complete_t complete;
	void *context;
	int interval;       /* interrupt endpoints: from the descriptor, informational */

	/* Private to usbcore and the host controller. */
	struct usb_host_endpoint *ep;
	struct list_head urb_list;
	unsigned int ntrbs; /* ring entries the URB occupies */
	u64 hc_start;       /* where its first entry is (bus address | cycle bit) */
	int reject;
	bool active;
};

/* Allocates a zeroed URB (GFP_KERNEL in process context, GFP_ATOMIC in interrupts);
 * iso_packets is ignored (no isochronous transfers). NULL when out of memory. */
struct urb *usb_alloc_urb(int iso_packets, unsigned int gfp);
/* Frees an URB that is not queued (kill it first). NULL is fine. Any context. */
void usb_free_urb(struct urb *urb);
static inline void usb_fill_int_urb(struct urb *urb, struct usb_device *dev, unsigned int pipe,
				    void *buf, int len, usb_complete_t complete, void *context,
				    int interval)
{
	urb->dev = dev;
	urb->pipe = pipe;
	urb->transfer_buffer = buf;
	urb->transfer_buffer_length = (u32)len;
	urb->complete = complete;
	urb->context = context;
	urb->interval = interval;
}
#define usb_fill_bulk_urb(urb, dev, pipe, buf, len, complete, context)                    \
	usb_fill_int_urb(urb, dev, pipe, buf, len, complete, context, 0)

/*
 * Queues urb on its endpoint. Any context (interrupt completions resubmit). 0, or -EINVAL (no
 * such endpoint in the configuration, bad buffer), -ENODEV (device unplugged), -EPERM (being
 * killed), -EBUSY (already queued), -ENOMEM (ring full). Follows Linux's usb_submit_urb.
 */
int usb_submit_urb(struct urb *urb, unsigned int gfp);
/* Cancels urb and waits until it is given back (complete() ran with -ENOENT, unless it had
 * finished). Further submits fail until it returns. Process context; sleeps. */
void usb_kill_urb(struct urb *urb);

/*
 * A control transfer on endpoint 0 (or pipe's endpoint), data (size bytes, any kernel memory:
 * copied through a bounce buffer) in the direction of requesttype. Returns the bytes moved, or
 * -ETIMEDOUT after timeout_ms (0: USB_CTRL_TIMEOUT_MS), -EPIPE (stall), -EPROTO, -ENODEV,
 * -ENOMEM. Process context; sleeps. Follows usb_control_msg.
 */
int usb_control_msg(struct usb_device *dev, unsigned int pipe, u8 request, u8 requesttype,
		    u16 value, u16 index, void *data, u16 size, int timeout_ms);
/* A bulk (or interrupt) transfer; *actual gets the bytes moved. 0 or -errno as above. */
int usb_bulk_msg(struct usb_device *dev, unsigned int pipe, void *data, int len, int *actual,
		 int timeout_ms);
/* GET_DESCRIPTOR(type, index) into buf; bytes read or -errno. Sleeps. */
int usb_get_descriptor(struct usb_device *dev, u8 type, u8 index, void *buf, int size);
/* CLEAR_FEATURE(ENDPOINT_HALT) and the controller's endpoint reset, after a -EPIPE. Sleeps. */
int usb_clear_halt(struct usb_device *dev, unsigned int pipe);

/*
 * Parses a configuration descriptor (len bytes of it: wTotalLength as read) into cfg: the
 * interfaces' alternate setting 0 and their endpoints. Pure function (host unit test).
 * 0, or -EINVAL with *why naming the first problem: a length past the buffer, a zero-length
 * or too short descriptor, more interfaces or endpoints than the limits, an endpoint 0.
 */
int usb_parse_configuration(const u8 *buf, size_t len, struct usb_host_config *cfg,
			    const char **why);
/*
 * Checks a hub descriptor (USB 2.0 11.23.2.1, len bytes read) and copies its fixed part to
 * desc. Pure. 0, or -EINVAL with *why: shorter than 7 bytes, another type, no ports, or more
 * than USB_MAXCHILDREN (a hub claiming 255 ports).
 */
int usb_parse_hub_descriptor(const u8 *buf, size_t len, struct usb_hub_descriptor *desc,
			     const char **why);

/* Every user sees struct usb_hcd whole: the export CRCs of usbcore's functions (genksyms
 * expands the structs their arguments point to) are then the same in every module. */
#include <keel/usb/hcd.h>

#endif
