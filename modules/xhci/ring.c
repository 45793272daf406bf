/*
 * Rings (xHCI 4.9): producer rings (command and transfer rings, one page each, closed by a
 * Link TRB that toggles the cycle bit), the event ring the controller fills (one segment,
 * 4.9.4), and commands: one at a time, each waited for with a timeout (5 s, Linux's
 * XHCI_CMD_DEFAULT_TIMEOUT) and reported in one line when it fails.
 */
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "xhci.h"

#define XHCI_CMD_TIMEOUT_MS 5000
#define EVENT_TRBS RING_TRBS

int xhci_ring_alloc(struct xhci_ring *ring)
{
	ring->trbs = alloc_page();
	if (!ring->trbs)
		return -ENOMEM;
	memset(ring->trbs, 0, PAGE_SIZE);
	ring->dma = virt_to_phys(ring->trbs);
	ring->enq = 0;
	ring->cycle = 1;
	ring->free = RING_TRBS - 1;
	ring->trbs[RING_TRBS - 1].param = ring->dma;
	return 0;
}

void xhci_ring_free(struct xhci_ring *ring)
{
	if (ring->trbs)
		free_page(ring->trbs);
	ring->trbs = NULL;
}

/*
 * Writes one TRB at the enqueue pointer with the producer cycle bit and returns its bus
 * address. At the Link TRB the ring wraps: the Link gets the cycle bit too (and the chain bit
 * of a TD running across it) and the cycle toggles. Interrupts off.
 */
u64 xhci_ring_put(struct xhci_ring *ring, u64 param, u32 status, u32 control)
{
	struct xhci_trb *trb = &ring->trbs[ring->enq];
	u64 dma = ring->dma + ring->enq * sizeof(*trb);

	trb->param = param;
	trb->status = status;
	wmb();
	trb->control = (control & ~TRB_CYCLE) | ring->cycle;
	ring->free--;
	if (++ring->enq == RING_TRBS - 1) {
		struct xhci_trb *link = &ring->trbs[ring->enq];

		link->status = 0;
		wmb();
		link->control = TRB_TYPE(TRB_LINK) | TRB_ENT_TC | (control & TRB_CH) | ring->cycle;
		ring->enq = 0;
		ring->cycle ^= 1;
	}
	return dma;
}

int xhci_event_ring_alloc(struct xhci_hcd *xhci)
{
	xhci->event_trbs = alloc_page();
	xhci->erst = alloc_page();
	if (!xhci->event_trbs || !xhci->erst) {
		xhci_event_ring_free(xhci);
		return -ENOMEM;
	}
	memset(xhci->event_trbs, 0, PAGE_SIZE);
	memset(xhci->erst, 0, PAGE_SIZE);
	xhci->erst[0] = virt_to_phys(xhci->event_trbs);
	xhci->erst[1] = EVENT_TRBS;
	xhci->ev_deq = 0;
	xhci->ev_cycle = 1;
	xhci_writel(xhci->ir, XHCI_ERSTSZ, 1);
	xhci_write64(xhci->ir, XHCI_ERDP, virt_to_phys(xhci->event_trbs));
	xhci_write64(xhci->ir, XHCI_ERSTBA, virt_to_phys(xhci->erst));
	return 0;
}

void xhci_event_ring_free(struct xhci_hcd *xhci)
{
	if (xhci->event_trbs)
		free_page(xhci->event_trbs);
	if (xhci->erst)
		free_page(xhci->erst);
	xhci->event_trbs = NULL;
	xhci->erst = NULL;
}

int xhci_cc_to_errno(u32 cc)
{
	switch (cc) {
	case CC_SUCCESS:
	case CC_SHORT_PACKET:
		return 0;
	case CC_STALL:
		return -EPIPE;
	case CC_BABBLE:
	case CC_DATA_BUFFER:
		return -EOVERFLOW;
	case CC_TRANSACTION:
		return -EPROTO;
	default:
		return -EIO;
	}
}

static void command_event(struct xhci_hcd *xhci, const struct xhci_trb *ev)
{
	if (!xhci->cmd_trb || ev->param != xhci->cmd_trb)
		return; /* a command we stopped waiting for */
	xhci->cmd_trb = 0;
	xhci->cmd_status = ev->status;
	xhci->cmd_control = ev->control;
	complete(&xhci->cmd_done);
}

static void handle_event(struct xhci_hcd *xhci, const struct xhci_trb *ev)
{
	switch (TRB_GET_TYPE(ev->control)) {
	case TRB_TRANSFER_EVENT:
		xhci_transfer_event(xhci, ev);
		break;
	case TRB_CMD_COMPLETION:
		command_event(xhci, ev);
		break;
	case TRB_PORT_STATUS:
		usb_hcd_poll_rh_status(&xhci->hcd);
		break;
	case TRB_HC_EVENT:
		pr_err("xhci %s: host controller event, completion code %u\n", xhci_name(xhci),
		       TRB_CC(ev->status));
		break;
	}
}

/* Consumes every event the controller wrote; from the interrupt or the polling timer. */
void xhci_handle_events(struct xhci_hcd *xhci)
{
	unsigned long flags;
	unsigned int n = 0;

	local_irq_save(flags);
	while (xhci->event_trbs) {
		struct xhci_trb *ev = &xhci->event_trbs[xhci->ev_deq];

		if ((READ_ONCE(ev->control) & TRB_CYCLE) != xhci->ev_cycle)
			break;
		rmb();
		handle_event(xhci, ev);
		n++;
		if (++xhci->ev_deq == EVENT_TRBS) {
			xhci->ev_deq = 0;
			xhci->ev_cycle ^= 1;
		}
	}
	if (n) {
		xhci->events += n;
		xhci_write64(xhci->ir, XHCI_ERDP, (virt_to_phys(xhci->event_trbs) +
						  xhci->ev_deq * sizeof(struct xhci_trb)) | ERDP_EHB);
	}
	local_irq_restore(flags);
}

static const char *cc_name(u32 cc)
{
	switch (cc) {
	case CC_TRB:
		return "TRB error";
	case CC_TRANSACTION:
		return "USB transaction error";
	case 9:
		return "no slots available";
	case 11:
		return "slot not enabled";
	case 17:
		return "parameter error";
	case 19:
		return "context state error";
	default:
		return "error";
	}
}

/* Runs one command; 0 (with the event's slot ID as a positive value for Enable Slot) or -errno. */
int xhci_command(struct xhci_hcd *xhci, u64 param, u32 control, const char *what)
{
	unsigned long flags;
	u32 cc;
	int ret;

	mutex_lock(&xhci->cmd_mutex);
	reinit_completion(&xhci->cmd_done);
	local_irq_save(flags);
	xhci->cmd_trb = xhci_ring_put(&xhci->cmd_ring, param, 0, control);
	xhci->cmd_ring.free = RING_TRBS - 1; /* commands finish in order: the ring never fills */
	local_irq_restore(flags);
	writel(0, xhci->db); /* doorbell 0: the command ring */
	if (!wait_for_completion_timeout(&xhci->cmd_done, msecs_to_jiffies(XHCI_CMD_TIMEOUT_MS))) {
		local_irq_save(flags);
		xhci->cmd_trb = 0;
		local_irq_restore(flags);
		xhci_write64(xhci->op, XHCI_CRCR, CRCR_CA);
		pr_err("xhci %s: %s command timed out\n", xhci_name(xhci), what);
		ret = -ETIMEDOUT;
		goto out;
	}
	cc = TRB_CC(xhci->cmd_status);
	if (cc != CC_SUCCESS) {
		pr_err("xhci %s: %s command failed: %s (completion code %u)\n", xhci_name(xhci),
		       what, cc_name(cc), cc);
		ret = cc == CC_TRANSACTION ? -EPROTO : -EIO;
		goto out;
	}
	ret = (int)TRB_GET_SLOT(xhci->cmd_control);
out:
	mutex_unlock(&xhci->cmd_mutex);
	return ret;
}
