/*
 * Hubs, root and external alike (after Linux's drivers/usb/core/hub.c): a kernel thread,
 * "khubd", looks at the ports of every hub that reported a change, debounces a connection,
 * resets the port, reads the speed and enumerates the device; a disconnection removes the
 * device and everything behind it. Root ports are reached through the host controller,
 * external hub ports through hub class requests (hub_driver.c): struct usb_hub_ops.
 *
 * Locking: hub_event_lock (a mutex) is held while ports are handled and while hubs are added
 * or removed, so hubs come and go only between two looks; the event flags change with
 * interrupts off, as controllers and hub status URBs set them from interrupt context.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/kmod.h>
#include <keel/kthread.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "usbcore.h"

#define HUB_DEBOUNCE_MS 100 /* USB 2.0 7.1.7.3 TATTDB */
#define USB_INITIAL_SCAN_MS 10000

static DEFINE_MUTEX(hub_event_lock);
static DECLARE_WAIT_QUEUE_HEAD(hub_wait);
static LIST_HEAD(hub_list);
static unsigned long hub_kicks, hub_kicks_seen;
static struct task_struct *hub_thread;
/* usb_add_hcd waits for the first look at a new bus (hub_event_lock guards it). */
static struct completion *initial_scan;
LIST_HEAD(usb_bus_list);

void usb_hub_kick(struct usb_hub *hub)
{
	unsigned long flags;

	local_irq_save(flags);
	if (!hub->quiesced) {
		hub->event = true;
		hub_kicks++;
	}
	local_irq_restore(flags);
	wake_up(&hub_wait);
}

/* Called with hub_event_lock held (hub probe runs in khubd; root hubs in usb_add_hcd). */
struct usb_hub *usb_hub_create(struct usb_device *hdev, unsigned int nports,
			       const struct usb_hub_ops *ops)
{
	struct usb_hub *hub = kzalloc(sizeof(*hub), GFP_KERNEL);
	unsigned long flags;

	if (!hub)
		return NULL;
	hub->hdev = hdev;
	hub->nports = nports;
	hub->ops = ops;
	local_irq_save(flags);
	list_add_tail(&hub->list, &hub_list);
	hdev->hub = hub;
	local_irq_restore(flags);
	return hub;
}

/* Children first (deepest first through recursion), then the hub itself. */
void usb_hub_destroy(struct usb_hub *hub)
{
	unsigned long flags;

	local_irq_save(flags);
	hub->quiesced = true;
	hub->event = false;
	local_irq_restore(flags);
	if (hub->urb)
		usb_kill_urb(hub->urb);
	for (unsigned int port = 1; port <= hub->nports; port++) {
		if (hub->children[port]) {
			usb_disconnect(hub->children[port]);
			hub->children[port] = NULL;
		}
	}
	local_irq_save(flags);
	list_del(&hub->list);
	hub->hdev->hub = NULL;
	local_irq_restore(flags);
	usb_free_urb(hub->urb);
	kfree(hub->status_buf);
	kfree(hub);
}

static enum usb_device_speed port_speed(const struct usb_port_status *st)
{
	if (st->speed != USB_SPEED_UNKNOWN)
		return st->speed;
	if (st->wPortStatus & USB_PORT_STAT_LOW_SPEED)
		return USB_SPEED_LOW;
	if (st->wPortStatus & USB_PORT_STAT_HIGH_SPEED)
		return USB_SPEED_HIGH;
	return USB_SPEED_FULL;
}

static void hub_port_connect(struct usb_hub *hub, unsigned int port)
{
	struct usb_device *hdev = hub->hdev;
	struct usb_port_status st;

	msleep(HUB_DEBOUNCE_MS);
	if (hub->ops->get_port(hub, port, &st) || !(st.wPortStatus & USB_PORT_STAT_CONNECTION))
		return;
	if (hdev->level + 1 >= USB_MAX_DEPTH) {
		pr_err("usb %d-%s: port %u: hubs nested too deep, device skipped\n",
		       hdev->bus->busnum, hdev->devpath, port);
		hub->failed |= 1u << port;
		return;
	}
	if (hub->ops->reset_port(hub, port) || hub->ops->get_port(hub, port, &st) ||
	    !(st.wPortStatus & USB_PORT_STAT_ENABLE)) {
		pr_err("usb %d-%s: port %u: cannot reset, device skipped\n", hdev->bus->busnum,
		       hdev->devpath, port);
		hub->failed |= 1u << port;
		return;
	}
	hub->children[port] = usb_new_device(hub, port, port_speed(&st));
	if (!hub->children[port])
		hub->failed |= 1u << port;
}

static void hub_port_event(struct usb_hub *hub, unsigned int port)
{
	struct usb_port_status st;
	bool connected;

	if (hub->ops->get_port(hub, port, &st))
		return;
	if (st.wPortChange)
		hub->ops->clear_changes(hub, port, st.wPortChange);
	connected = st.wPortStatus & USB_PORT_STAT_CONNECTION;
	if (st.wPortChange & USB_PORT_STAT_C_CONNECTION)
		hub->failed &= ~(1u << port);
	if (hub->children[port] && (!connected || (st.wPortChange & USB_PORT_STAT_C_CONNECTION))) {
		usb_disconnect(hub->children[port]);
		hub->children[port] = NULL;
	}
	if (connected && !hub->children[port] && !(hub->failed & (1u << port)))
		hub_port_connect(hub, port);
}

/* The next hub with an event, its flag cleared; hub_event_lock held. */
static struct usb_hub *next_hub_event(void)
{
	struct usb_hub *hub, *found = NULL;
	unsigned long flags;

	local_irq_save(flags);
	list_for_each_entry(hub, &hub_list, list) {
		if (hub->event) {
			hub->event = false;
			found = hub;
			break;
		}
	}
	local_irq_restore(flags);
	return found;
}

struct pending_alias {
	struct list_head list;
	char alias[MODALIAS_MAX];
};

static LIST_HEAD(pending_aliases); /* khubd's own: filled and drained by it alone */

void usb_queue_modalias(const char *alias)
{
	struct pending_alias *p = kmalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return;
	strlcpy(p->alias, alias, sizeof(p->alias));
	list_add_tail(&p->list, &pending_aliases);
}

/* Loads drivers for the interfaces nobody took; no lock held (modprobe may need them). */
static void request_pending_modules(void)
{
	while (!list_empty(&pending_aliases)) {
		struct pending_alias *p = list_first_entry(&pending_aliases, struct pending_alias,
							   list);

		list_del(&p->list);
		request_module("%s", p->alias);
		kfree(p);
	}
}

static void hub_events(void)
{
	struct usb_hub *hub;

	mutex_lock(&hub_event_lock);
	while ((hub = next_hub_event()) != NULL)
		for (unsigned int port = 1; port <= hub->nports && !hub->quiesced; port++)
			hub_port_event(hub, port);
	if (initial_scan) { /* everything behind the new root hub, hubs included, is done */
		complete(initial_scan);
		initial_scan = NULL;
	}
	mutex_unlock(&hub_event_lock);
	request_pending_modules();
}

static bool hub_kicked(void)
{
	unsigned long flags;
	bool kicked;

	local_irq_save(flags);
	kicked = hub_kicks != hub_kicks_seen;
	hub_kicks_seen = hub_kicks;
	local_irq_restore(flags);
	return kicked;
}

static int hub_thread_fn(void *data)
{
	(void)data;
	while (!kthread_should_stop()) {
		wait_event_interruptible(hub_wait, hub_kicked() || kthread_should_stop());
		if (!kthread_should_stop())
			hub_events();
	}
	return 0;
}

int usb_hub_thread_start(void)
{
	hub_thread = kthread_run(hub_thread_fn, NULL, "khubd");
	return IS_ERR(hub_thread) ? PTR_ERR(hub_thread) : 0;
}

void usb_hub_thread_stop(void)
{
	kthread_stop(hub_thread);
}

/* ---- Root hubs: the ports are the host controller's ---- */

static int root_get_port(struct usb_hub *hub, unsigned int port, struct usb_port_status *st)
{
	struct usb_hcd *hcd = hub->hdev->bus;

	return hcd->driver->port_status(hcd, port, st);
}

static int root_reset_port(struct usb_hub *hub, unsigned int port)
{
	struct usb_hcd *hcd = hub->hdev->bus;

	return hcd->driver->port_reset(hcd, port);
}

static void root_clear_changes(struct usb_hub *hub, unsigned int port, u16 change)
{
	struct usb_hcd *hcd = hub->hdev->bus;

	hcd->driver->port_clear_changes(hcd, port, change);
}

static const struct usb_hub_ops root_hub_ops = {
	.get_port = root_get_port,
	.reset_port = root_reset_port,
	.clear_changes = root_clear_changes,
};

void usb_hcd_poll_rh_status(struct usb_hcd *hcd)
{
	struct usb_hub *hub = NULL;
	unsigned long flags;

	local_irq_save(flags);
	if (hcd->root_hub)
		hub = hcd->root_hub->hub;
	if (hub)
		usb_hub_kick(hub);
	local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(usb_hcd_poll_rh_status);

/* The root hub's descriptor, as Linux's (1d6b is the Linux Foundation's vendor ID). */
static void root_hub_descriptor(struct usb_device *rh)
{
	rh->descriptor = (struct usb_device_descriptor){
		.bLength = USB_DT_DEVICE_SIZE, .bDescriptorType = USB_DT_DEVICE,
		.bcdUSB = 0x0300, .bDeviceClass = USB_CLASS_HUB, .bDeviceProtocol = 3,
		.bMaxPacketSize0 = 9, .idVendor = 0x1d6b, .idProduct = 0x0003,
		.bcdDevice = 0x0100, .bNumConfigurations = 1,
	};
	strlcpy(rh->manufacturer, "Linux Foundation", sizeof(rh->manufacturer));
	strlcpy(rh->product, "3.0 root hub", sizeof(rh->product));
}

static int alloc_busnum(void)
{
	struct usb_hcd *hcd;
	int n = 1;

again:
	list_for_each_entry(hcd, &usb_bus_list, list) {
		if (hcd->busnum == n) {
			n++;
			goto again;
		}
	}
	return n;
}

int usb_add_hcd(struct usb_hcd *hcd)
{
	struct usb_device *rh = kzalloc(sizeof(*rh), GFP_KERNEL);
	struct completion scanned;

	if (!rh)
		return -ENOMEM;
	mutex_lock(&hub_event_lock);
	mutex_lock(&usb_bus_lock);
	hcd->busnum = alloc_busnum();
	list_add_tail(&hcd->list, &usb_bus_list);
	mutex_unlock(&usb_bus_lock);
	rh->bus = hcd;
	rh->devnum = 1;
	rh->speed = USB_SPEED_SUPER;
	snprintf(rh->devpath, sizeof(rh->devpath), "0");
	INIT_LIST_HEAD(&rh->bus_list);
	root_hub_descriptor(rh);
	hcd->devmap[0] |= 1u << 1;
	hcd->root_hub = rh;
	if (!usb_hub_create(rh, hcd->nports, &root_hub_ops)) {
		hcd->root_hub = NULL;
		mutex_unlock(&hub_event_lock);
		usb_remove_hcd(hcd);
		return -ENOMEM;
	}
	pr_info("usb usb%d: new USB bus registered, assigned bus number %d, %u ports\n",
		hcd->busnum, hcd->busnum, hcd->nports);
	init_completion(&scanned);
	initial_scan = &scanned;
	mutex_unlock(&hub_event_lock);
	usb_hub_kick(rh->hub);
	/* What is plugged in at boot is there before the prompt, as for PCI and AHCI. */
	if (!wait_for_completion_timeout(&scanned, msecs_to_jiffies(USB_INITIAL_SCAN_MS))) {
		mutex_lock(&hub_event_lock);
		if (initial_scan == &scanned)
			initial_scan = NULL;
		mutex_unlock(&hub_event_lock);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(usb_add_hcd);

void usb_remove_hcd(struct usb_hcd *hcd)
{
	struct usb_device *rh = hcd->root_hub;
	unsigned long flags;

	mutex_lock(&hub_event_lock);
	if (rh && rh->hub)
		usb_hub_destroy(rh->hub);
	local_irq_save(flags);
	hcd->root_hub = NULL;
	local_irq_restore(flags);
	mutex_lock(&usb_bus_lock);
	if (hcd->list.next)
		list_del(&hcd->list);
	mutex_unlock(&usb_bus_lock);
	mutex_unlock(&hub_event_lock);
	kfree(rh);
	pr_info("usb usb%d: USB bus %d deregistered\n", hcd->busnum, hcd->busnum);
}
EXPORT_SYMBOL_GPL(usb_remove_hcd);
