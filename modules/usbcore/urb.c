/*
 * URBs: allocation, submission to the host controller, cancellation and give-back, and the
 * blocking wrappers built on them (usb_control_msg, usb_bulk_msg), after Linux's
 * drivers/usb/core/urb.c and message.c. Give-back runs in the controller's interrupt (or its
 * polling timer), so the URB state changes with interrupts off.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/wait.h>
#include "usbcore.h"

static DECLARE_WAIT_QUEUE_HEAD(usb_kill_wait);

struct urb *usb_alloc_urb(int iso_packets, unsigned int gfp)
{
	struct urb *urb = kzalloc(sizeof(*urb), gfp);

	(void)iso_packets;
	if (urb)
		INIT_LIST_HEAD(&urb->urb_list);
	return urb;
}
EXPORT_SYMBOL_GPL(usb_alloc_urb);

void usb_free_urb(struct urb *urb)
{
	kfree(urb);
}
EXPORT_SYMBOL_GPL(usb_free_urb);

static struct usb_host_endpoint *pipe_endpoint(struct usb_device *dev, unsigned int pipe)
{
	unsigned int num = usb_pipeendpoint(pipe);

	if (num == 0)
		return &dev->ep0;
	return usb_pipein(pipe) ? dev->ep_in[num] : dev->ep_out[num];
}

static bool pipe_fits(struct usb_host_endpoint *ep, unsigned int pipe)
{
	static const u8 xfer_of_pipe[] = {
		[PIPE_ISOCHRONOUS] = USB_ENDPOINT_XFER_ISOC,
		[PIPE_INTERRUPT] = USB_ENDPOINT_XFER_INT,
		[PIPE_CONTROL] = USB_ENDPOINT_XFER_CONTROL,
		[PIPE_BULK] = USB_ENDPOINT_XFER_BULK,
	};

	return usb_endpoint_type(&ep->desc) == xfer_of_pipe[usb_pipetype(pipe)];
}

int usb_submit_urb(struct urb *urb, unsigned int gfp)
{
	struct usb_host_endpoint *ep;
	struct usb_hcd *hcd;
	unsigned long flags;
	int ret;

	if (!urb || !urb->dev || !urb->complete ||
	    (urb->transfer_buffer_length && !urb->transfer_buffer))
		return -EINVAL;
	ep = pipe_endpoint(urb->dev, urb->pipe);
	if (!ep || !pipe_fits(ep, urb->pipe) ||
	    (usb_pipetype(urb->pipe) == PIPE_CONTROL && !urb->setup_packet))
		return -EINVAL;
	hcd = urb->dev->bus;
	local_irq_save(flags);
	if (urb->reject)
		ret = -EPERM;
	else if (urb->active)
		ret = -EBUSY;
	else if (urb->dev->gone)
		ret = -ENODEV;
	else {
		urb->ep = ep;
		urb->status = -EINPROGRESS;
		urb->actual_length = 0;
		urb->active = true;
		ret = hcd->driver->urb_enqueue(hcd, urb, gfp);
		if (ret)
			urb->active = false;
	}
	local_irq_restore(flags);
	return ret;
}
EXPORT_SYMBOL_GPL(usb_submit_urb);

void usb_hcd_giveback_urb(struct usb_hcd *hcd, struct urb *urb, int status)
{
	unsigned long flags;

	(void)hcd;
	local_irq_save(flags);
	urb->status = status;
	urb->active = false;
	urb->complete(urb);
	local_irq_restore(flags);
	wake_up(&usb_kill_wait);
}
EXPORT_SYMBOL_GPL(usb_hcd_giveback_urb);

static bool urb_idle(struct urb *urb)
{
	unsigned long flags;
	bool idle;

	local_irq_save(flags);
	idle = !urb->active;
	local_irq_restore(flags);
	return idle;
}

void usb_kill_urb(struct urb *urb)
{
	unsigned long flags;
	bool active;

	if (!urb || !urb->dev)
		return;
	local_irq_save(flags);
	urb->reject++;
	active = urb->active;
	local_irq_restore(flags);
	if (active)
		urb->dev->bus->driver->urb_dequeue(urb->dev->bus, urb, -ENOENT);
	if (!wait_event_timeout(usb_kill_wait, urb_idle(urb), msecs_to_jiffies(1000)))
		pr_err("usb %s: an URB was not given back after it was killed\n",
		       urb->dev->devpath);
	local_irq_save(flags);
	urb->reject--;
	local_irq_restore(flags);
}
EXPORT_SYMBOL_GPL(usb_kill_urb);

static void blocking_complete(struct urb *urb)
{
	complete(urb->context);
}

/* Submits urb and waits for it; a timeout kills it. Bytes moved in *actual. */
static int start_wait_urb(struct urb *urb, int timeout_ms, int *actual)
{
	struct completion done;
	int ret;

	init_completion(&done);
	urb->context = &done;
	urb->complete = blocking_complete;
	ret = usb_submit_urb(urb, GFP_KERNEL);
	if (ret)
		goto out;
	if (!wait_for_completion_timeout(&done, msecs_to_jiffies(timeout_ms ? timeout_ms :
							     USB_CTRL_TIMEOUT_MS))) {
		usb_kill_urb(urb);
		ret = urb->status == -ENOENT ? -ETIMEDOUT : urb->status;
	} else {
		ret = urb->status;
	}
out:
	if (actual)
		*actual = (int)urb->actual_length;
	return ret;
}

int usb_control_msg(struct usb_device *dev, unsigned int pipe, u8 request, u8 requesttype,
		    u16 value, u16 index, void *data, u16 size, int timeout_ms)
{
	struct usb_ctrlrequest *setup = kmalloc(sizeof(*setup), GFP_KERNEL);
	struct urb *urb = usb_alloc_urb(0, GFP_KERNEL);
	void *bounce = size ? kmalloc(size, GFP_KERNEL) : NULL;
	int ret = -ENOMEM, actual = 0;

	if (!setup || !urb || (size && !bounce))
		goto out_free;
	*setup = (struct usb_ctrlrequest){ requesttype, request, value, index, size };
	if (size && !(requesttype & USB_DIR_IN))
		memcpy(bounce, data, size);
	urb->dev = dev;
	urb->pipe = (pipe & ~USB_DIR_IN) | (requesttype & USB_DIR_IN);
	urb->setup_packet = setup;
	urb->transfer_buffer = bounce;
	urb->transfer_buffer_length = size;
	ret = start_wait_urb(urb, timeout_ms, &actual);
	if (!ret && size && (requesttype & USB_DIR_IN))
		memcpy(data, bounce, (size_t)actual);
	if (!ret)
		ret = actual;
out_free:
	kfree(bounce);
	usb_free_urb(urb);
	kfree(setup);
	return ret;
}
EXPORT_SYMBOL_GPL(usb_control_msg);

int usb_bulk_msg(struct usb_device *dev, unsigned int pipe, void *data, int len, int *actual,
		 int timeout_ms)
{
	struct usb_host_endpoint *ep = pipe_endpoint(dev, pipe);
	struct urb *urb;
	int ret;

	if (!ep || len < 0)
		return -EINVAL;
	/* An interrupt endpoint through the bulk call, as Linux allows. */
	if (usb_endpoint_type(&ep->desc) == USB_ENDPOINT_XFER_INT)
		pipe = (pipe & ~(3u << 30)) | ((unsigned int)PIPE_INTERRUPT << 30);
	urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!urb)
		return -ENOMEM;
	usb_fill_bulk_urb(urb, dev, pipe, data, len, blocking_complete, NULL);
	ret = start_wait_urb(urb, timeout_ms, actual);
	usb_free_urb(urb);
	return ret;
}
EXPORT_SYMBOL_GPL(usb_bulk_msg);

int usb_get_descriptor(struct usb_device *dev, u8 type, u8 index, void *buf, int size)
{
	return usb_control_msg(dev, usb_rcvctrlpipe(dev, 0), USB_REQ_GET_DESCRIPTOR, USB_DIR_IN,
			       (u16)((type << 8) | index), 0, buf, (u16)size, 0);
}
EXPORT_SYMBOL_GPL(usb_get_descriptor);

int usb_clear_halt(struct usb_device *dev, unsigned int pipe)
{
	struct usb_host_endpoint *ep = pipe_endpoint(dev, pipe);
	int ret;

	if (!ep)
		return -EINVAL;
	ret = usb_control_msg(dev, usb_sndctrlpipe(dev, 0), USB_REQ_CLEAR_FEATURE,
			      USB_RECIP_ENDPOINT, 0 /* ENDPOINT_HALT */,
			      ep->desc.bEndpointAddress, NULL, 0, 0);
	if (ret < 0)
		return ret;
	return dev->bus->driver->reset_endpoint(dev->bus, dev, ep);
}
EXPORT_SYMBOL_GPL(usb_clear_halt);
