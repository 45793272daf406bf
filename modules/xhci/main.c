/*
 * xhci.ko: USB host controllers of the xHCI kind (PCI class 0c:03 prog-if 30, so modules.alias
 * loads it for qemu-xhci and every PC of the last decade). Takes the controller from firmware
 * (USB legacy support handoff), resets it, sets up the device context array, scratchpad
 * buffers, command ring and one event ring with interrupter 0, starts it and registers the
 * bus with usbcore, which enumerates the root ports through port.c.
 *
 * Events are taken by the interrupt (MSI-X, MSI or INTx, see xhci_setup_irq) and by a
 * polling timer as a fallback, so a controller whose interrupt never arrives still works,
 * slower; `modprobe xhci polling=1` uses the timer alone.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/jiffies.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "xhci.h"

#define PCI_CLASS_SERIAL_USB_XHCI 0x0c0330
#define XHCI_HALT_MS 100      /* 5.4.2: HCHalted within 16 ms of R/S cleared */
#define XHCI_RESET_MS 1000
#define XHCI_HANDOFF_MS 1000
#define XHCI_POLL_MS 20

static bool xhci_polling;
module_param_named(polling, xhci_polling, bool, 0444);
MODULE_PARM_DESC(polling, "Take events by polling every 20 ms, without the interrupt (default 0)");

u32 xhci_readl(const u8 *base, unsigned int reg)
{
	return readl(base + reg);
}

void xhci_writel(u8 *base, unsigned int reg, u32 val)
{
	writel(val, base + reg);
}

/* Low half first: controllers (and QEMU) act on the write of the high half. */
void xhci_write64(u8 *base, unsigned int reg, u64 val)
{
	writel((u32)val, base + reg);
	writel((u32)(val >> 32), base + reg + 4);
}

static int wait_op(struct xhci_hcd *xhci, unsigned int reg, u32 mask, u32 want,
		   unsigned int timeout_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);

	while ((xhci_readl(xhci->op, reg) & mask) != want) {
		if (time_after(jiffies, end))
			return (xhci_readl(xhci->op, reg) & mask) == want ? 0 : -ETIMEDOUT;
		msleep(1);
	}
	return 0;
}

/* USB Legacy Support (7.1): ask firmware to let go; take it anyway after a second. */
static void xhci_bios_handoff(struct xhci_hcd *xhci)
{
	u32 off = HCC_XECP(xhci_readl(xhci->mmio, XHCI_HCCPARAMS1)) * 4;
	unsigned long end = jiffies + msecs_to_jiffies(XHCI_HANDOFF_MS);

	while (off && XECP_ID(xhci_readl(xhci->mmio, off)) != XECP_LEGACY) {
		u32 next = XECP_NEXT(xhci_readl(xhci->mmio, off)) * 4;

		off = next ? off + next : 0;
	}
	if (!off || !(xhci_readl(xhci->mmio, off) & LEGACY_BIOS_OWNED))
		return;
	xhci_writel(xhci->mmio, off, xhci_readl(xhci->mmio, off) | LEGACY_OS_OWNED);
	while (xhci_readl(xhci->mmio, off) & LEGACY_BIOS_OWNED) {
		if (time_after(jiffies, end)) {
			pr_warn("xhci %s: firmware does not release the controller, taken\n",
				xhci_name(xhci));
			xhci_writel(xhci->mmio, off, xhci_readl(xhci->mmio, off) & ~LEGACY_BIOS_OWNED);
			break;
		}
		msleep(10);
	}
	xhci_writel(xhci->mmio, off + 4, 0); /* no SMIs */
}

static int xhci_halt_reset(struct xhci_hcd *xhci)
{
	xhci_writel(xhci->op, XHCI_USBCMD, xhci_readl(xhci->op, XHCI_USBCMD) & ~CMD_RUN);
	if (wait_op(xhci, XHCI_USBSTS, STS_HALT, STS_HALT, XHCI_HALT_MS)) {
		pr_err("xhci %s: controller does not halt\n", xhci_name(xhci));
		return -ETIMEDOUT;
	}
	xhci_writel(xhci->op, XHCI_USBCMD, CMD_RESET);
	if (wait_op(xhci, XHCI_USBCMD, CMD_RESET, 0, XHCI_RESET_MS) ||
	    wait_op(xhci, XHCI_USBSTS, STS_CNR, 0, XHCI_RESET_MS)) {
		pr_err("xhci %s: controller reset did not finish\n", xhci_name(xhci));
		return -ETIMEDOUT;
	}
	return 0;
}

static int xhci_alloc_scratchpad(struct xhci_hcd *xhci)
{
	if (!xhci->nscratch)
		return 0;
	xhci->scratch_array = alloc_page();
	xhci->scratch_pages = kcalloc(xhci->nscratch, sizeof(void *), GFP_KERNEL);
	if (!xhci->scratch_array || !xhci->scratch_pages)
		return -ENOMEM;
	for (unsigned int i = 0; i < xhci->nscratch; i++) {
		xhci->scratch_pages[i] = alloc_page();
		if (!xhci->scratch_pages[i])
			return -ENOMEM;
		memset(xhci->scratch_pages[i], 0, PAGE_SIZE);
		xhci->scratch_array[i] = virt_to_phys(xhci->scratch_pages[i]);
	}
	xhci->dcbaa[0] = virt_to_phys(xhci->scratch_array);
	return 0;
}

static void xhci_free_memory(struct xhci_hcd *xhci)
{
	for (unsigned int i = 0; xhci->scratch_pages && i < xhci->nscratch; i++)
		if (xhci->scratch_pages[i])
			free_page(xhci->scratch_pages[i]);
	kfree(xhci->scratch_pages);
	if (xhci->scratch_array)
		free_page(xhci->scratch_array);
	xhci_event_ring_free(xhci);
	xhci_ring_free(&xhci->cmd_ring);
	if (xhci->dcbaa)
		free_page(xhci->dcbaa);
}

/* DCBAA, scratchpad, command ring, event ring (4.2). */
static int xhci_setup_memory(struct xhci_hcd *xhci)
{
	int ret;

	xhci->dcbaa = alloc_page();
	if (!xhci->dcbaa)
		return -ENOMEM;
	memset(xhci->dcbaa, 0, PAGE_SIZE);
	ret = xhci_alloc_scratchpad(xhci);
	if (!ret)
		ret = xhci_ring_alloc(&xhci->cmd_ring);
	if (!ret)
		ret = xhci_event_ring_alloc(xhci);
	if (ret)
		return ret;
	xhci_writel(xhci->op, XHCI_CONFIG, xhci->max_slots);
	xhci_write64(xhci->op, XHCI_DCBAAP, virt_to_phys(xhci->dcbaa));
	xhci_write64(xhci->op, XHCI_CRCR, xhci->cmd_ring.dma | CRCR_RCS);
	return 0;
}

static irqreturn_t xhci_irq(int irq, void *dev_id)
{
	struct xhci_hcd *xhci = dev_id;
	u32 sts = xhci_readl(xhci->op, XHCI_USBSTS);

	(void)irq;
	if (sts == ~0u || !(sts & (STS_EINT | STS_HSE)))
		return IRQ_NONE;
	xhci_writel(xhci->op, XHCI_USBSTS, sts & (STS_EINT | STS_HSE | STS_PCD));
	xhci_writel(xhci->ir, XHCI_IMAN, IMAN_IP | IMAN_IE);
	xhci->irqs++;
	xhci_handle_events(xhci);
	return IRQ_HANDLED;
}

/* The one place the interrupt is chosen: MSI-X or MSI through pci.ko when the APIC is on,
 * else the (shared) INTx line; without any, the polling timer alone. */
static void xhci_setup_irq(struct xhci_hcd *xhci)
{
	struct pci_dev *pdev = xhci->pdev;
	int ret;

	xhci->irq = pdev->irq;
	if (xhci_polling) {
		pr_info("xhci %s: polling=1: events every %d ms\n", pci_name(pdev), XHCI_POLL_MS);
		return;
	}
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);
	if (ret < 0) {
		pr_warn("xhci %s: no usable interrupt (%d), polling\n", pci_name(pdev), ret);
		return;
	}
	xhci->irq = (unsigned int)pci_irq_vector(pdev, 0);
	ret = request_irq(xhci->irq, xhci_irq, pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0,
			  "xhci", xhci);
	if (ret) {
		pr_warn("xhci %s: IRQ %u not available (%d), polling\n", pci_name(pdev), xhci->irq,
			ret);
		pci_free_irq_vectors(pdev);
		return;
	}
	xhci->irq_requested = true;
	pr_info("xhci %s: events by IRQ %u (%s), and a %d ms poll\n", pci_name(pdev), xhci->irq,
		pdev->irq_type == PCI_IRQ_LEGACY ? "INTx" :
		pdev->irq_type == PCI_IRQ_MSI ? "MSI" : "MSI-X", XHCI_POLL_MS);
}

static void xhci_poll(struct timer_list *t)
{
	struct xhci_hcd *xhci = from_timer(xhci, t, poll_timer);

	xhci_handle_events(xhci);
	if (!xhci->dying)
		mod_timer(&xhci->poll_timer, jiffies + msecs_to_jiffies(XHCI_POLL_MS));
}

static int xhci_start(struct xhci_hcd *xhci)
{
	xhci_setup_irq(xhci);
	xhci_writel(xhci->ir, XHCI_IMOD, 160); /* 40 us between interrupts at most */
	xhci_writel(xhci->ir, XHCI_IMAN, IMAN_IP | IMAN_IE);
	xhci_writel(xhci->op, XHCI_USBSTS, STS_EINT | STS_HSE | STS_PCD);
	xhci_writel(xhci->op, XHCI_USBCMD, CMD_RUN | CMD_HSEE |
		    (xhci->irq_requested ? CMD_INTE : 0));
	if (wait_op(xhci, XHCI_USBSTS, STS_HALT, 0, XHCI_HALT_MS)) {
		pr_err("xhci %s: controller does not start\n", xhci_name(xhci));
		return -ETIMEDOUT;
	}
	timer_setup(&xhci->poll_timer, xhci_poll, 0);
	mod_timer(&xhci->poll_timer, jiffies + msecs_to_jiffies(XHCI_POLL_MS));
	return 0;
}

static void xhci_stop(struct xhci_hcd *xhci)
{
	xhci->dying = true;
	del_timer_sync(&xhci->poll_timer);
	xhci_writel(xhci->op, XHCI_USBCMD, 0);
	wait_op(xhci, XHCI_USBSTS, STS_HALT, STS_HALT, XHCI_HALT_MS);
	xhci_writel(xhci->ir, XHCI_IMAN, IMAN_IP);
	if (xhci->irq_requested) {
		free_irq(xhci->irq, xhci);
		pci_free_irq_vectors(xhci->pdev);
	}
	xhci->irq_requested = false;
	cancel_work_sync(&xhci->reset_work);
}

static const struct hc_driver xhci_hc_driver = {
	.description = "xhci_hcd",
	.port_status = xhci_port_status,
	.port_reset = xhci_port_reset,
	.port_clear_changes = xhci_port_clear_changes,
	.alloc_dev = xhci_alloc_dev,
	.free_dev = xhci_free_dev,
	.update_ep0 = xhci_update_ep0,
	.configure = xhci_configure,
	.update_hub = xhci_update_hub,
	.reset_endpoint = xhci_reset_endpoint,
	.urb_enqueue = xhci_urb_enqueue,
	.urb_dequeue = xhci_urb_dequeue,
};

/* Capability registers: where the others are, and the sizes. */
static int xhci_read_caps(struct xhci_hcd *xhci)
{
	u32 hcs1 = xhci_readl(xhci->mmio, XHCI_HCSPARAMS1);
	u32 hcc1 = xhci_readl(xhci->mmio, XHCI_HCCPARAMS1);
	unsigned int nports = HCS_MAX_PORTS(hcs1);

	xhci->op = xhci->mmio + (xhci_readl(xhci->mmio, XHCI_CAPLENGTH) & 0xff);
	xhci->ir = xhci->mmio + (xhci_readl(xhci->mmio, XHCI_RTSOFF) & ~0x1fu) + 0x20;
	xhci->db = xhci->mmio + (xhci_readl(xhci->mmio, XHCI_DBOFF) & ~0x3u);
	xhci->max_slots = HCS_MAX_SLOTS(hcs1);
	xhci->ctx_size = (hcc1 & HCC_CSZ) ? 64 : 32;
	xhci->nscratch = HCS_MAX_SCRATCH(xhci_readl(xhci->mmio, XHCI_HCSPARAMS2));
	if (!xhci->max_slots || !nports || xhci->nscratch > 256) {
		pr_err("xhci %s: absurd capabilities (%u slots, %u ports, %u scratchpads)\n",
		       xhci_name(xhci), xhci->max_slots, nports, xhci->nscratch);
		return -ENODEV;
	}
	if (nports > USB_MAXCHILDREN)
		pr_warn("xhci %s: %u root ports, using %d\n", xhci_name(xhci), nports,
			USB_MAXCHILDREN);
	nports = xhci_map_ports(xhci, nports);
	xhci->hcd.nports = nports;
	pr_info("xhci %s: xHCI %x.%02x, %u slots, %u ports, %u-byte contexts, %u scratchpads\n",
		xhci_name(xhci), xhci_readl(xhci->mmio, XHCI_CAPLENGTH) >> 24,
		(xhci_readl(xhci->mmio, XHCI_CAPLENGTH) >> 16) & 0xff, xhci->max_slots, nports,
		xhci->ctx_size, xhci->nscratch);
	return 0;
}

static struct xhci_hcd *xhci_new(struct pci_dev *pdev)
{
	struct xhci_hcd *xhci = kzalloc(sizeof(*xhci), GFP_KERNEL);

	if (!xhci)
		return NULL;
	xhci->pdev = pdev;
	xhci->hcd.controller = &pdev->dev;
	xhci->hcd.driver = &xhci_hc_driver;
	xhci->hcd.hcd_priv = xhci;
	mutex_init(&xhci->cmd_mutex);
	init_completion(&xhci->cmd_done);
	INIT_WORK(&xhci->reset_work, xhci_reset_work);
	return xhci;
}

static int xhci_init_controller(struct xhci_hcd *xhci)
{
	int ret = xhci_read_caps(xhci);

	if (ret)
		return ret;
	xhci_bios_handoff(xhci);
	ret = xhci_halt_reset(xhci);
	if (!ret)
		ret = xhci_setup_memory(xhci);
	if (!ret)
		ret = xhci_start(xhci);
	return ret;
}

static int xhci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct xhci_hcd *xhci;
	int ret;

	(void)id;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	xhci = xhci_new(pdev);
	if (!xhci) {
		ret = -ENOMEM;
		goto out_disable;
	}
	xhci->mmio = pci_iomap(pdev, 0, 0);
	if (!xhci->mmio) {
		pr_err("xhci %s: BAR0 cannot be mapped\n", pci_name(pdev));
		ret = -ENODEV;
		goto out_free;
	}
	pci_set_master(pdev);
	ret = xhci_init_controller(xhci);
	if (ret)
		goto out_stop;
	ret = usb_add_hcd(&xhci->hcd);
	if (ret)
		goto out_stop;
	pci_set_drvdata(pdev, xhci);
	return 0;

out_stop:
	xhci_stop(xhci);
	xhci_free_memory(xhci);
	pci_clear_master(pdev);
	pci_iounmap(pdev, xhci->mmio);
out_free:
	kfree(xhci);
out_disable:
	pci_disable_device(pdev);
	return ret;
}

static void xhci_remove(struct pci_dev *pdev)
{
	struct xhci_hcd *xhci = pci_get_drvdata(pdev);

	usb_remove_hcd(&xhci->hcd);
	xhci_stop(xhci);
	pr_info("xhci %s: stopped after %lu events, %lu interrupts\n", pci_name(pdev),
		xhci->events, xhci->irqs);
	xhci_halt_reset(xhci);
	xhci_free_memory(xhci);
	pci_clear_master(pdev);
	pci_iounmap(pdev, xhci->mmio);
	kfree(xhci);
	pci_disable_device(pdev);
}

static const struct pci_device_id xhci_pci_ids[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_SERIAL_USB_XHCI, 0xffffff) },
	{ }
};
MODULE_DEVICE_TABLE(pci, xhci_pci_ids);

static struct pci_driver xhci_pci_driver = {
	.name = "xhci_hcd",
	.id_table = xhci_pci_ids,
	.probe = xhci_probe,
	.remove = xhci_remove,
};

static int __init xhci_init(void)
{
	return pci_register_driver(&xhci_pci_driver);
}

static void __exit xhci_exit(void)
{
	pci_unregister_driver(&xhci_pci_driver);
}

module_init(xhci_init);
module_exit(xhci_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xHCI USB host controllers: rings, slots, root ports");
