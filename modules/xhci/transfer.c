/*
 * Transfers (xHCI 4.11, 6.4.1): an URB becomes one TD on its endpoint's ring. Control: Setup
 * (the request as immediate data), a Data stage, Status. Bulk and interrupt: Normal TRBs.
 * Every data stage ends with an Event Data TRB (IOC) whose parameter is the URB and whose
 * event carries the bytes moved for the whole TD (4.11.5.2), so short packets need no
 * bookkeeping. Buffers are split at page boundaries (a TRB must not cross 64 KiB, and kmalloc
 * memory is physically contiguous only within a page for all we know).
 *
 * An error halts the endpoint: the URB is given back at once, and a work item resets the
 * endpoint and moves its dequeue pointer past the failed TD (4.6.8, 4.6.10) before the next
 * TD runs. Killing an URB stops the endpoint (4.6.9) and moves the dequeue pointer past it.
 */
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/layout.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "xhci.h"

#define TRB_MAX_LEN 0x10000

static void ring_doorbell(struct xhci_hcd *xhci, struct xhci_slot *slot, struct xhci_ep *ep)
{
	writel(ep->dci, xhci->db + 4 * slot->id);
}

static bool dma_capable(const void *buf, u32 len)
{
	unsigned long v = (unsigned long)buf;

	if (!len)
		return true;
	return (v >= DIRECT_MAP_BASE && v + len <= IOREMAP_BASE) || v >= KERNEL_VMA;
}

/* TRBs the buffer needs: one per page it touches. */
static unsigned int data_trbs(const void *buf, u32 len)
{
	unsigned long start = (unsigned long)buf;

	if (!len)
		return 0;
	return (unsigned int)(((start + len - 1) >> PAGE_SHIFT) - (start >> PAGE_SHIFT) + 1);
}

/* Data TRBs, all chained to the Event Data TRB that follows; the first gets first_type. */
static void put_data(struct xhci_ring *ring, const void *buf, u32 len, u32 first_type, u32 dir)
{
	const u8 *p = buf;
	u32 type = first_type;

	while (len) {
		u32 chunk = PAGE_SIZE - ((unsigned long)p & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		xhci_ring_put(ring, virt_to_phys(p), chunk, TRB_TYPE(type) | TRB_CH | dir);
		type = TRB_NORMAL;
		dir = 0;
		p += chunk;
		len -= chunk;
	}
}

static void put_event_data(struct xhci_ring *ring, struct urb *urb)
{
	xhci_ring_put(ring, (u64)(unsigned long)urb, 0, TRB_TYPE(TRB_EVENT_DATA) | TRB_IOC);
}

static void queue_control(struct xhci_ring *ring, struct urb *urb)
{
	const struct usb_ctrlrequest *req = urb->setup_packet;
	bool in = req->bRequestType & USB_DIR_IN;
	u64 setup;
	u32 trt = !urb->transfer_buffer_length ? TRT_NO_DATA : in ? TRT_IN : TRT_OUT;

	memcpy(&setup, req, sizeof(setup));
	xhci_ring_put(ring, setup, 8, TRB_TYPE(TRB_SETUP) | TRB_IDT | trt);
	if (urb->transfer_buffer_length) {
		put_data(ring, urb->transfer_buffer, urb->transfer_buffer_length, TRB_DATA,
			 in ? TRB_DIR_IN : 0);
		put_event_data(ring, urb);
	}
	/* The status stage goes the other way from the data (IN when there is none). */
	xhci_ring_put(ring, 0, 0, TRB_TYPE(TRB_STATUS) | TRB_IOC |
		      ((in && urb->transfer_buffer_length) ? 0 : TRB_DIR_IN));
}

static void queue_bulk_int(struct xhci_ring *ring, struct urb *urb)
{
	put_data(ring, urb->transfer_buffer, urb->transfer_buffer_length, TRB_NORMAL, 0);
	put_event_data(ring, urb);
}

/* Interrupts are off (usb_submit_urb). */
int xhci_urb_enqueue(struct usb_hcd *hcd, struct urb *urb, unsigned int gfp)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = urb->dev->hcpriv;
	struct xhci_ep *ep = urb->ep->hcpriv;
	unsigned int n = data_trbs(urb->transfer_buffer, urb->transfer_buffer_length);
	bool control = usb_pipetype(urb->pipe) == PIPE_CONTROL;

	(void)gfp;
	if (!slot || !ep || xhci->dying)
		return -ENODEV;
	if (!dma_capable(urb->transfer_buffer, urb->transfer_buffer_length))
		return -EINVAL;
	n += control ? 3 : 1; /* setup, event data, status; or event data */
	if (n + 1 > ep->ring.free) /* a Link TRB may come between */
		return -ENOMEM;
	urb->ntrbs = n;
	urb->hc_start = (ep->ring.dma + ep->ring.enq * sizeof(struct xhci_trb)) | ep->ring.cycle;
	if (control)
		queue_control(&ep->ring, urb);
	else
		queue_bulk_int(&ep->ring, urb);
	list_add_tail(&urb->urb_list, &ep->urbs);
	if (!ep->needs_reset)
		ring_doorbell(xhci, slot, ep);
	return 0;
}

static void giveback(struct xhci_hcd *xhci, struct xhci_ep *ep, struct urb *urb, int status)
{
	list_del_init(&urb->urb_list);
	ep->ring.free += urb->ntrbs;
	usb_hcd_giveback_urb(&xhci->hcd, urb, status);
}

/* Interrupts off. */
void xhci_giveback_all(struct xhci_hcd *xhci, struct xhci_ep *ep, int status)
{
	while (!list_empty(&ep->urbs))
		giveback(xhci, ep, list_first_entry(&ep->urbs, struct urb, urb_list), status);
}

void xhci_transfer_event(struct xhci_hcd *xhci, const struct xhci_trb *ev)
{
	struct xhci_slot *slot = xhci->slots[TRB_GET_SLOT(ev->control)];
	struct xhci_ep *ep = slot ? slot->eps[TRB_GET_EP(ev->control)] : NULL;
	u32 cc = TRB_CC(ev->status);
	struct urb *urb;

	if (!ep || list_empty(&ep->urbs) || cc == CC_STOPPED || cc == CC_STOPPED_LENGTH)
		return;
	urb = list_first_entry(&ep->urbs, struct urb, urb_list);
	if (ev->control & TRB_ED) {
		if (ev->param != (u64)(unsigned long)urb)
			return; /* not the TD at the head: one we already gave back */
		urb->actual_length = TRB_LEN(ev->status) < urb->transfer_buffer_length ?
					     TRB_LEN(ev->status) : urb->transfer_buffer_length;
		if (usb_pipetype(urb->pipe) == PIPE_CONTROL && !xhci_cc_to_errno(cc))
			return; /* the status stage completes it */
	}
	if (xhci_cc_to_errno(cc)) {
		ep->needs_reset = true;
		schedule_work(&xhci->reset_work);
	}
	giveback(xhci, ep, urb, xhci_cc_to_errno(cc));
}

/* Where the controller should go on: the first queued TD, or the enqueue pointer. */
static u64 next_dequeue(struct xhci_ep *ep)
{
	if (!list_empty(&ep->urbs))
		return list_first_entry(&ep->urbs, struct urb, urb_list)->hc_start;
	return (ep->ring.dma + ep->ring.enq * sizeof(struct xhci_trb)) | ep->ring.cycle;
}

static int set_dequeue(struct xhci_hcd *xhci, struct xhci_slot *slot, struct xhci_ep *ep)
{
	unsigned long flags;
	u64 deq;
	int ret;

	local_irq_save(flags);
	deq = next_dequeue(ep);
	local_irq_restore(flags);
	ret = xhci_command(xhci, deq, TRB_TYPE(TRB_SET_DEQ) | TRB_SLOT(slot->id) | TRB_EP(ep->dci),
			   "Set TR Dequeue Pointer");
	local_irq_save(flags);
	ep->needs_reset = false;
	if (!list_empty(&ep->urbs))
		ring_doorbell(xhci, slot, ep);
	local_irq_restore(flags);
	return ret < 0 ? ret : 0;
}

static int reset_ep(struct xhci_hcd *xhci, struct xhci_slot *slot, struct xhci_ep *ep)
{
	u32 *ctx = xhci_ep_ctx(xhci, slot, ep->dci, false);
	int ret = 0;

	if (EP_CTX_STATE(ctx[0]) == 2) /* Halted */
		ret = xhci_command(xhci, 0, TRB_TYPE(TRB_RESET_EP) | TRB_SLOT(slot->id) |
					    TRB_EP(ep->dci), "Reset Endpoint");
	if (ret < 0)
		return ret;
	return set_dequeue(xhci, slot, ep);
}

void xhci_reset_work(struct work_struct *work)
{
	struct xhci_hcd *xhci = container_of(work, struct xhci_hcd, reset_work);

	for (unsigned int id = 1; id <= xhci->max_slots && !xhci->dying; id++) {
		struct xhci_slot *slot = xhci->slots[id];

		for (unsigned int dci = 1; slot && dci < 32; dci++)
			if (slot->eps[dci] && slot->eps[dci]->needs_reset)
				reset_ep(xhci, slot, slot->eps[dci]);
	}
}

int xhci_reset_endpoint(struct usb_hcd *hcd, struct usb_device *udev,
			struct usb_host_endpoint *hep)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = udev->hcpriv;
	struct xhci_ep *ep = hep->hcpriv;

	if (!slot || !ep)
		return -ENODEV;
	flush_work(&xhci->reset_work);
	return reset_ep(xhci, slot, ep);
}

static bool urb_queued(struct xhci_ep *ep, struct urb *urb)
{
	struct urb *u;

	list_for_each_entry(u, &ep->urbs, urb_list)
		if (u == urb)
			return true;
	return false;
}

int xhci_urb_dequeue(struct usb_hcd *hcd, struct urb *urb, int status)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = urb->dev->hcpriv;
	struct xhci_ep *ep = urb->ep ? urb->ep->hcpriv : NULL;
	unsigned long flags;
	bool found = false;

	if (!slot || !ep)
		return -ENODEV;
	/* Only a running endpoint can be stopped (a halted or stopped one is not moving). */
	if (!xhci->dying && EP_CTX_STATE(*(u32 *)xhci_ep_ctx(xhci, slot, ep->dci, false)) == 1)
		xhci_command(xhci, 0, TRB_TYPE(TRB_STOP_EP) | TRB_SLOT(slot->id) | TRB_EP(ep->dci),
			     "Stop Endpoint");
	local_irq_save(flags);
	if (!urb_queued(ep, urb)) {
		if (!list_empty(&ep->urbs)) /* restart what the stop held up */
			ring_doorbell(xhci, slot, ep);
		local_irq_restore(flags);
		return 0; /* it completed meanwhile */
	}
	/* TDs before the one killed are skipped with it: they go back as reset. */
	while (!found && !list_empty(&ep->urbs)) {
		struct urb *first = list_first_entry(&ep->urbs, struct urb, urb_list);

		found = first == urb;
		giveback(xhci, ep, first, found ? status : -ECONNRESET);
	}
	local_irq_restore(flags);
	if (xhci->dying)
		return 0;
	return set_dequeue(xhci, slot, ep);
}
