/*
 * Device slots (xHCI 4.3, 4.6): Enable Slot and Address Device (which sends SET_ADDRESS), the
 * input and device contexts (6.2), Evaluate Context for ep0's max packet size, Configure
 * Endpoint for the endpoints of the configuration and for the hub fields of the slot
 * context, and Disable Slot when the device goes, giving back what was still queued.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "xhci.h"

#define SLOT_CTX_ENTRIES(n) ((u32)(n) << 27)
#define SLOT_HUB (1u << 26)
#define SLOT_SPEED(s) ((u32)(s) << 20)
#define EP_CERR3 (3u << 1)
#define EP_TYPE(t) ((u32)(t) << 3)
#define EP_MAXP(p) ((u32)(p) << 16)
#define EP_INTERVAL(i) ((u32)(i) << 16)

void *xhci_slot_ctx(struct xhci_hcd *xhci, struct xhci_slot *slot, bool input)
{
	return input ? (u8 *)slot->in_ctx + xhci->ctx_size : slot->out_ctx;
}

void *xhci_ep_ctx(struct xhci_hcd *xhci, struct xhci_slot *slot, unsigned int dci, bool input)
{
	return (u8 *)(input ? slot->in_ctx : slot->out_ctx) + xhci->ctx_size * (dci + input);
}

/* A fresh input context: the control context's drop and add flags. */
static u32 *input_ctx_reset(struct xhci_hcd *xhci, struct xhci_slot *slot, u32 add)
{
	u32 *icc = slot->in_ctx;

	memset(slot->in_ctx, 0, PAGE_SIZE);
	icc[1] = add;
	return icc;
}

static u32 speed_id(enum usb_device_speed speed)
{
	switch (speed) {
	case USB_SPEED_FULL:
		return 1;
	case USB_SPEED_LOW:
		return 2;
	case USB_SPEED_HIGH:
		return 3;
	default:
		return 4;
	}
}

static struct xhci_ep *ep_alloc(unsigned int dci)
{
	struct xhci_ep *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	if (xhci_ring_alloc(&ep->ring)) {
		kfree(ep);
		return NULL;
	}
	ep->dci = dci;
	INIT_LIST_HEAD(&ep->urbs);
	return ep;
}

static void ep_free(struct xhci_ep *ep)
{
	xhci_ring_free(&ep->ring);
	kfree(ep);
}

static void fill_ep_ctx(u32 *ctx, u32 type, unsigned int maxp, u32 interval, struct xhci_ep *ep)
{
	ctx[0] = EP_INTERVAL(interval);
	ctx[1] = EP_CERR3 | EP_TYPE(type) | EP_MAXP(maxp);
	ctx[2] = (u32)ep->ring.dma | ep->ring.cycle;
	ctx[3] = (u32)(ep->ring.dma >> 32);
	ctx[4] = type == EP_TYPE_CONTROL ? 8 : maxp; /* average TRB length */
	if (type == 3 || type == 7)
		ctx[4] |= (u32)maxp << 16; /* max ESIT payload: one packet per interval */
}

static void fill_slot_ctx(struct xhci_hcd *xhci, struct xhci_slot *slot, struct usb_device *udev)
{
	u32 *sc = xhci_slot_ctx(xhci, slot, true);

	sc[0] = udev->route | SLOT_SPEED(speed_id(udev->speed)) | SLOT_CTX_ENTRIES(1);
	sc[1] = (u32)xhci->port_map[udev->root_port] << 16;
	if (udev->tt_hub && udev->tt_hub->hcpriv)
		sc[2] = ((struct xhci_slot *)udev->tt_hub->hcpriv)->id | (udev->tt_port << 8);
}

static void slot_free(struct xhci_hcd *xhci, struct xhci_slot *slot)
{
	for (unsigned int i = 0; i < 32; i++)
		if (slot->eps[i])
			ep_free(slot->eps[i]);
	if (slot->in_ctx)
		free_page(slot->in_ctx);
	if (slot->out_ctx)
		free_page(slot->out_ctx);
	kfree(slot);
	(void)xhci;
}

static struct xhci_slot *slot_alloc(unsigned int id)
{
	struct xhci_slot *slot = kzalloc(sizeof(*slot), GFP_KERNEL);

	if (!slot)
		return NULL;
	slot->id = id;
	slot->in_ctx = alloc_page();
	slot->out_ctx = alloc_page();
	slot->eps[1] = ep_alloc(1);
	if (!slot->in_ctx || !slot->out_ctx || !slot->eps[1]) {
		slot_free(NULL, slot);
		return NULL;
	}
	memset(slot->out_ctx, 0, PAGE_SIZE);
	return slot;
}

static void disable_slot(struct xhci_hcd *xhci, unsigned int id)
{
	xhci_command(xhci, 0, TRB_TYPE(TRB_DISABLE_SLOT) | TRB_SLOT(id), "Disable Slot");
}

int xhci_alloc_dev(struct usb_hcd *hcd, struct usb_device *udev)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot;
	int id = xhci_command(xhci, 0, TRB_TYPE(TRB_ENABLE_SLOT), "Enable Slot");
	int ret;

	if (id < 0)
		return id;
	if (id == 0 || (unsigned int)id > xhci->max_slots) {
		pr_err("xhci %s: Enable Slot gave slot %d\n", xhci_name(xhci), id);
		return -EIO;
	}
	slot = slot_alloc((unsigned int)id);
	if (!slot) {
		disable_slot(xhci, (unsigned int)id);
		return -ENOMEM;
	}
	slot->udev = udev;
	input_ctx_reset(xhci, slot, 0x3); /* A0 slot, A1 ep0 */
	fill_slot_ctx(xhci, slot, udev);
	fill_ep_ctx(xhci_ep_ctx(xhci, slot, 1, true), EP_TYPE_CONTROL,
		    udev->ep0.desc.wMaxPacketSize, 0, slot->eps[1]);
	xhci->dcbaa[id] = virt_to_phys(slot->out_ctx);
	xhci->slots[id] = slot;
	udev->hcpriv = slot;
	udev->ep0.hcpriv = slot->eps[1];
	ret = xhci_command(xhci, virt_to_phys(slot->in_ctx),
			   TRB_TYPE(TRB_ADDR_DEV) | TRB_SLOT(id), "Address Device");
	if (ret < 0) {
		xhci_free_dev(hcd, udev);
		return ret;
	}
	return 0;
}

void xhci_free_dev(struct usb_hcd *hcd, struct usb_device *udev)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = udev->hcpriv;
	unsigned long flags;

	if (!slot)
		return;
	if (!xhci->dying)
		disable_slot(xhci, slot->id);
	local_irq_save(flags);
	for (unsigned int i = 0; i < 32; i++)
		if (slot->eps[i])
			xhci_giveback_all(xhci, slot->eps[i], -ESHUTDOWN);
	xhci->slots[slot->id] = NULL;
	xhci->dcbaa[slot->id] = 0;
	local_irq_restore(flags);
	udev->hcpriv = NULL;
	udev->ep0.hcpriv = NULL;
	slot_free(xhci, slot);
}

int xhci_update_ep0(struct usb_hcd *hcd, struct usb_device *udev)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = udev->hcpriv;
	u32 *ep0;
	int ret;

	input_ctx_reset(xhci, slot, 0x2);
	ep0 = xhci_ep_ctx(xhci, slot, 1, true);
	memcpy(ep0, xhci_ep_ctx(xhci, slot, 1, false), xhci->ctx_size);
	ep0[1] = (ep0[1] & 0xffff) | EP_MAXP(udev->ep0.desc.wMaxPacketSize);
	ret = xhci_command(xhci, virt_to_phys(slot->in_ctx),
			   TRB_TYPE(TRB_EVAL_CTX) | TRB_SLOT(slot->id), "Evaluate Context");
	return ret < 0 ? ret : 0;
}

/* The xHCI interval exponent (6.2.3.6): 125 us * 2^n. Full/low speed give frames (ms). */
static u32 ep_interval(struct usb_device *udev, const struct usb_endpoint_descriptor *d)
{
	u32 n = 0, v;

	if (usb_endpoint_type(d) != USB_ENDPOINT_XFER_INT)
		return 0;
	if (udev->speed == USB_SPEED_HIGH || udev->speed == USB_SPEED_SUPER)
		return d->bInterval ? (d->bInterval > 16 ? 15 : d->bInterval - 1u) : 0;
	for (v = (d->bInterval ? d->bInterval : 1) * 8u; v > 1; v >>= 1)
		n++;
	return n < 3 ? 3 : (n > 10 ? 10 : n);
}

static u32 ep_type(const struct usb_endpoint_descriptor *d)
{
	return (u32)usb_endpoint_type(d) + (usb_endpoint_dir_in(d) ? 4 : 0);
}

/* Input context for Configure Endpoint: the slot context as the controller has it. */
static u32 *config_input(struct xhci_hcd *xhci, struct xhci_slot *slot, u32 add)
{
	u32 *icc = input_ctx_reset(xhci, slot, add | 1);

	memcpy(xhci_slot_ctx(xhci, slot, true), xhci_slot_ctx(xhci, slot, false), xhci->ctx_size);
	((u32 *)xhci_slot_ctx(xhci, slot, true))[3] = 0;
	return icc;
}

int xhci_configure(struct usb_hcd *hcd, struct usb_device *udev)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = udev->hcpriv;
	struct usb_host_config *cfg = udev->actconfig;
	unsigned int last = 1;
	u32 *icc = config_input(xhci, slot, 0), *sc;
	int ret;

	for (unsigned int i = 0; i < cfg->num_endpoints; i++) {
		struct usb_host_endpoint *hep = &cfg->ep[i];
		unsigned int dci = 2 * usb_endpoint_num(&hep->desc) + usb_endpoint_dir_in(&hep->desc);

		if (usb_endpoint_type(&hep->desc) == USB_ENDPOINT_XFER_ISOC || slot->eps[dci])
			continue; /* no isochronous transfers */
		slot->eps[dci] = ep_alloc(dci);
		if (!slot->eps[dci])
			return -ENOMEM;
		hep->hcpriv = slot->eps[dci];
		fill_ep_ctx(xhci_ep_ctx(xhci, slot, dci, true), ep_type(&hep->desc),
			    usb_endpoint_maxp(&hep->desc), ep_interval(udev, &hep->desc),
			    slot->eps[dci]);
		icc[1] |= 1u << dci;
		last = dci > last ? dci : last;
	}
	sc = xhci_slot_ctx(xhci, slot, true);
	sc[0] = (sc[0] & ~SLOT_CTX_ENTRIES(0x1f)) | SLOT_CTX_ENTRIES(last);
	ret = xhci_command(xhci, virt_to_phys(slot->in_ctx),
			   TRB_TYPE(TRB_CONFIG_EP) | TRB_SLOT(slot->id), "Configure Endpoint");
	return ret < 0 ? ret : 0;
}

int xhci_update_hub(struct usb_hcd *hcd, struct usb_device *udev, unsigned int nports)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	struct xhci_slot *slot = udev->hcpriv;
	u32 *sc;
	int ret;

	config_input(xhci, slot, 0);
	sc = xhci_slot_ctx(xhci, slot, true);
	sc[0] |= SLOT_HUB;
	sc[1] = (sc[1] & 0x00ffffff) | (nports << 24);
	ret = xhci_command(xhci, virt_to_phys(slot->in_ctx),
			   TRB_TYPE(TRB_CONFIG_EP) | TRB_SLOT(slot->id), "Configure Endpoint (hub)");
	return ret < 0 ? ret : 0;
}
