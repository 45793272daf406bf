/*
 * nvme.ko: NVMe controllers on PCI (class 01:08 prog-if 02, so modules.alias loads it for
 * QEMU's `-device nvme`). Maps BAR0, takes the interrupt, resets the controller (CC.EN off,
 * then on with the admin queue; CSTS.RDY followed within CAP.TO), identifies it, creates one
 * I/O queue pair and registers each active namespace as nvme0n1, nvme0n2... On unbind or
 * unload the namespaces are flushed and unregistered, the I/O queues deleted, the controller
 * shut down (CC.SHN) and disabled, memory and the IRQ released.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/jiffies.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/pci.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "nvme.h"

#define PCI_CLASS_STORAGE_EXPRESS 0x010802
#define NVME_SHUTDOWN_MS 5000

static bool nvme_polling;
module_param_named(polling, nvme_polling, bool, 0444);
MODULE_PARM_DESC(polling, "Complete commands by polling, without the interrupt (default 0)");
static bool nvme_fault_not_ready;
module_param_named(fault_not_ready, nvme_fault_not_ready, bool, 0444);
MODULE_PARM_DESC(fault_not_ready,
		 "Fault injection: give the controller an admin queue address that is not "
		 "page-aligned, which it refuses, so it never becomes ready (default 0)");

static struct nvme_ctrl *nvme_ctrls;
static u32 nvme_instances; /* bit N: nvmeN is taken */

struct nvme_ctrl *nvme_first_ctrl(void)
{
	return nvme_ctrls;
}

u32 nvme_readl(struct nvme_ctrl *ctrl, int reg)
{
	return readl((u8 *)ctrl->bar + reg);
}

void nvme_writel(struct nvme_ctrl *ctrl, int reg, u32 val)
{
	writel(val, (u8 *)ctrl->bar + reg);
}

/* 64-bit registers as two dword accesses, low first (NVMe 1.4, 3.1: both are allowed). */
static u64 nvme_readq(struct nvme_ctrl *ctrl, int reg)
{
	return nvme_readl(ctrl, reg) | (u64)nvme_readl(ctrl, reg + 4) << 32;
}

static void nvme_writeq(struct nvme_ctrl *ctrl, int reg, u64 val)
{
	nvme_writel(ctrl, reg, (u32)val);
	nvme_writel(ctrl, reg + 4, (u32)(val >> 32));
}

/* Waits for CSTS.RDY to become want, at most CAP.TO; -ENODEV with one line otherwise. */
static int nvme_wait_ready(struct nvme_ctrl *ctrl, bool want)
{
	unsigned long end = jiffies + msecs_to_jiffies(ctrl->ready_timeout_ms);

	for (;;) {
		u32 csts = nvme_readl(ctrl, NVME_REG_CSTS);

		if (csts == ~0u) {
			pr_err("nvme: %s: controller gone (CSTS reads all ones)\n", ctrl->name);
			return -ENODEV;
		}
		if (!!(csts & NVME_CSTS_RDY) == want)
			return 0;
		if (time_after(jiffies, end)) {
			pr_err("nvme: %s: not %s after %u ms (CAP.TO), CSTS 0x%x%s\n", ctrl->name,
			       want ? "ready" : "disabled", ctrl->ready_timeout_ms, csts,
			       csts & NVME_CSTS_CFS ? " (controller fatal status)" : "");
			return -ENODEV;
		}
		msleep(1);
	}
}

/* CC.EN off: the controller drops every queue and command (a controller reset, 7.3.2). */
int nvme_disable_ctrl(struct nvme_ctrl *ctrl)
{
	u32 cc = nvme_readl(ctrl, NVME_REG_CC);

	ctrl->ioq_live = false;
	nvme_writel(ctrl, NVME_REG_CC, cc & ~(NVME_CC_ENABLE | NVME_CC_SHN_MASK));
	return nvme_wait_ready(ctrl, false);
}

/* The admin queue's addresses and sizes, then CC.EN with 4 KiB pages and the NVM set (7.6.1). */
int nvme_enable_ctrl(struct nvme_ctrl *ctrl)
{
	struct nvme_queue *q = &ctrl->adminq;
	u32 aqa = (u32)(q->depth - 1) << 16 | (q->depth - 1);
	int ret;

	nvme_init_queue(q);
	nvme_writel(ctrl, NVME_REG_AQA, aqa);
	nvme_writeq(ctrl, NVME_REG_ASQ, virt_to_phys(q->sq) + (nvme_fault_not_ready ? 2048 : 0));
	nvme_writeq(ctrl, NVME_REG_ACQ, virt_to_phys(q->cq));
	nvme_writel(ctrl, NVME_REG_CC, NVME_CC_CSS_NVM | 0u << NVME_CC_MPS_SHIFT |
		    NVME_CC_IOSQES | NVME_CC_IOCQES | NVME_CC_ENABLE);
	ret = nvme_wait_ready(ctrl, true);
	/* Pin-based and MSI interrupts are masked while nobody handles them: a shared line stays
	 * quiet. With MSI-X the spec forbids touching INTMS/INTMC (NVMe 1.4, 3.1.3, 3.1.4). */
	if (ctrl->pdev->irq_type != PCI_IRQ_MSIX)
		nvme_writel(ctrl, ctrl->irq_requested ? NVME_REG_INTMC : NVME_REG_INTMS, 1);
	return ret;
}

/*
 * After a timeout, the caller holding ctrl->lock: disable, enable, the I/O queues again. A
 * controller that does not come back is out of service (every command then fails -EIO).
 */
int nvme_reset_ctrl(struct nvme_ctrl *ctrl)
{
	int ret = nvme_disable_ctrl(ctrl);

	ctrl->resets++;
	if (!ret)
		ret = nvme_enable_ctrl(ctrl);
	if (!ret)
		ret = nvme_create_io_queues(ctrl);
	if (ret) {
		ctrl->dead = true;
		pr_err("nvme: %s: reset failed (%d), controller out of service\n", ctrl->name,
		       ret);
		return ret;
	}
	pr_info("nvme: %s: controller reset\n", ctrl->name);
	return 0;
}

/* Normal shutdown (CC.SHN, 7.6.2), so the controller's caches are safe, then disabled. */
static void nvme_shutdown_ctrl(struct nvme_ctrl *ctrl)
{
	unsigned long end = jiffies + msecs_to_jiffies(NVME_SHUTDOWN_MS);
	u32 cc = nvme_readl(ctrl, NVME_REG_CC);

	/* Not for a controller that never became ready: it has nothing to shut down. */
	if (cc & NVME_CC_ENABLE && nvme_readl(ctrl, NVME_REG_CSTS) & NVME_CSTS_RDY && !ctrl->dead) {
		nvme_writel(ctrl, NVME_REG_CC, (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
		while ((nvme_readl(ctrl, NVME_REG_CSTS) & NVME_CSTS_SHST_MASK) !=
		       NVME_CSTS_SHST_CMPLT) {
			if (time_after(jiffies, end)) {
				pr_warn("nvme: %s: shutdown did not complete\n", ctrl->name);
				break;
			}
			msleep(1);
		}
	}
	nvme_disable_ctrl(ctrl);
}

/*
 * The interrupt: one MSI-X or MSI vector (admin and I/O completion queues both use vector 0),
 * else the INTx line firmware routed (maybe shared), else polling.
 */
static void nvme_setup_irq(struct nvme_ctrl *ctrl)
{
	struct pci_dev *pdev = ctrl->pdev;
	int ret;

	ctrl->irq = pdev->irq;
	if (nvme_polling) {
		pr_info("nvme: %s: polling=1: commands complete by polling\n", ctrl->name);
		return;
	}
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX | PCI_IRQ_MSI | PCI_IRQ_LEGACY);
	if (ret < 0) {
		pr_warn("nvme: %s: no usable interrupt (%d), polling\n", ctrl->name, ret);
		return;
	}
	ctrl->irq = pci_irq_vector(pdev, 0);
	ret = request_irq(ctrl->irq, nvme_irq, pdev->irq_type == PCI_IRQ_LEGACY ? IRQF_SHARED : 0,
			  "nvme", ctrl);
	if (ret) {
		pr_warn("nvme: %s: IRQ %u not available (%d), polling\n", ctrl->name, ctrl->irq,
			ret);
		pci_free_irq_vectors(pdev);
	}
	ctrl->irq_requested = !ret;
}

static void nvme_free_irq(struct nvme_ctrl *ctrl)
{
	if (ctrl->irq_requested) {
		free_irq(ctrl->irq, ctrl);
		pci_free_irq_vectors(ctrl->pdev);
	}
	ctrl->irq_requested = false;
}

static void nvme_free_mem(struct nvme_ctrl *ctrl)
{
	nvme_free_queue(&ctrl->adminq);
	nvme_free_queue(&ctrl->ioq);
	for (int i = 0; i < NVME_PRP_PAGES; i++)
		if (ctrl->prp_list[i])
			free_page(ctrl->prp_list[i]);
	if (ctrl->bounce)
		free_pages(ctrl->bounce, NVME_BOUNCE_ORDER);
}

/* Queues as deep as CAP.MQES allows (at least 2 entries), PRP list pages, the bounce buffer. */
static int nvme_alloc_mem(struct nvme_ctrl *ctrl)
{
	u32 entries = NVME_CAP_MQES(ctrl->cap) + 1;

	if (nvme_alloc_queue(ctrl, &ctrl->adminq, 0, min(entries, (u32)NVME_ADMIN_DEPTH)) ||
	    nvme_alloc_queue(ctrl, &ctrl->ioq, 1, min(entries, (u32)NVME_IO_DEPTH)))
		goto out_free;
	for (int i = 0; i < NVME_PRP_PAGES; i++) {
		ctrl->prp_list[i] = alloc_page();
		if (!ctrl->prp_list[i])
			goto out_free;
	}
	ctrl->bounce = alloc_pages(NVME_BOUNCE_ORDER);
	if (ctrl->bounce)
		return 0;
out_free:
	nvme_free_mem(ctrl);
	return -ENOMEM;
}

/* CAP: what the driver needs of it (4 KiB pages, the NVM command set, 2+ entries). */
static int nvme_check_cap(struct nvme_ctrl *ctrl)
{
	u64 cap = ctrl->cap = nvme_readq(ctrl, NVME_REG_CAP);

	ctrl->vs = nvme_readl(ctrl, NVME_REG_VS);
	ctrl->db_stride = 4u << NVME_CAP_DSTRD(cap);
	ctrl->ready_timeout_ms = (NVME_CAP_TO(cap) ? NVME_CAP_TO(cap) : 1) * 500;
	if (cap == ~0ULL)
		pr_err("nvme: %s: registers read all ones, skipped\n", ctrl->name);
	else if (NVME_CAP_MPSMIN(cap))
		pr_err("nvme: %s: minimum page size %u KiB, 4 KiB needed, skipped\n", ctrl->name,
		       4u << NVME_CAP_MPSMIN(cap));
	else if (!NVME_CAP_CSS_NVM(cap))
		pr_err("nvme: %s: no NVM command set, skipped\n", ctrl->name);
	else if (!NVME_CAP_MQES(cap))
		pr_err("nvme: %s: queues of one entry (CAP.MQES 0), skipped\n", ctrl->name);
	else
		return 0;
	return -ENODEV;
}

static void nvme_describe(struct nvme_ctrl *ctrl)
{
	pr_info("nvme: %s: %s: \"%s\" serial %s fw %s, NVMe %u.%u, %u KiB per command, %s\n",
		ctrl->name, pci_name(ctrl->pdev), ctrl->model, ctrl->serial, ctrl->firmware,
		ctrl->vs >> 16, (ctrl->vs >> 8) & 0xff, ctrl->max_bytes >> 10,
		ctrl->vwc ? "write cache" : "no write cache");
}

/* Reset, Identify Controller, the I/O queues: 0 or -errno (reported). */
static int nvme_ctrl_start(struct nvme_ctrl *ctrl)
{
	int ret = nvme_disable_ctrl(ctrl);

	if (!ret)
		ret = nvme_enable_ctrl(ctrl);
	if (!ret)
		ret = nvme_identify_ctrl(ctrl);
	if (ret)
		return ret == -EIO ? -ENODEV : ret;
	nvme_describe(ctrl);
	if (!ctrl->nn) {
		pr_err("nvme: %s: no namespaces (NN 0), controller skipped\n", ctrl->name);
		return -ENODEV;
	}
	mutex_lock(&ctrl->lock);
	ret = nvme_create_io_queues(ctrl);
	mutex_unlock(&ctrl->lock);
	return ret == -EIO ? -ENODEV : ret;
}

/* Everything a started controller holds, in reverse; safe at any point of the start. */
static void nvme_ctrl_stop(struct nvme_ctrl *ctrl)
{
	nvme_remove_namespaces(ctrl);
	mutex_lock(&ctrl->lock);
	nvme_delete_io_queues(ctrl);
	mutex_unlock(&ctrl->lock);
	nvme_shutdown_ctrl(ctrl);
	nvme_free_irq(ctrl);
}

static int nvme_get_instance(void)
{
	for (int i = 0; i < NVME_MAX_CTRLS; i++)
		if (!(nvme_instances & (1u << i))) {
			nvme_instances |= 1u << i;
			return i;
		}
	return -ENOSPC;
}

static struct nvme_ctrl *nvme_ctrl_new(struct pci_dev *pdev)
{
	struct nvme_ctrl *ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	int instance = nvme_get_instance();

	if (!ctrl || instance < 0) {
		pr_err("nvme: %s: %s, skipped\n", pci_name(pdev),
		       ctrl ? "no free controller number" : "no memory");
		if (instance >= 0)
			nvme_instances &= ~(1u << instance);
		kfree(ctrl);
		return NULL;
	}
	ctrl->pdev = pdev;
	ctrl->instance = instance;
	snprintf(ctrl->name, sizeof(ctrl->name), "nvme%d", instance);
	mutex_init(&ctrl->lock);
	init_completion(&ctrl->done);
	return ctrl;
}

static void nvme_ctrl_delete(struct nvme_ctrl *ctrl)
{
	nvme_instances &= ~(1u << ctrl->instance);
	kfree(ctrl);
}

static int nvme_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct nvme_ctrl *ctrl;
	int ret;

	(void)id;
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	ctrl = nvme_ctrl_new(pdev);
	if (!ctrl) {
		ret = -ENOMEM;
		goto out_disable;
	}
	ctrl->bar = pci_iomap(pdev, 0, 0);
	if (!ctrl->bar) {
		pr_err("nvme: %s: BAR0 cannot be mapped, skipped\n", ctrl->name);
		ret = -ENODEV;
		goto out_delete;
	}
	ret = nvme_check_cap(ctrl);
	if (ret)
		goto out_unmap;
	ret = nvme_alloc_mem(ctrl);
	if (ret) {
		pr_err("nvme: %s: no memory for queues, skipped\n", ctrl->name);
		goto out_unmap;
	}
	pci_set_master(pdev);
	nvme_setup_irq(ctrl);
	ret = nvme_ctrl_start(ctrl);
	if (!ret)
		ret = nvme_scan_namespaces(ctrl);
	if (ret)
		goto out_stop;
	ctrl->next = nvme_ctrls;
	nvme_ctrls = ctrl;
	pci_set_drvdata(pdev, ctrl);
	return 0;

out_stop:
	nvme_ctrl_stop(ctrl);
	pci_clear_master(pdev);
	nvme_free_mem(ctrl);
out_unmap:
	pci_iounmap(pdev, ctrl->bar);
out_delete:
	nvme_ctrl_delete(ctrl);
out_disable:
	pci_disable_device(pdev);
	return ret;
}

static void nvme_remove(struct pci_dev *pdev)
{
	struct nvme_ctrl *ctrl = pci_get_drvdata(pdev);

	for (struct nvme_ctrl **p = &nvme_ctrls; *p; p = &(*p)->next)
		if (*p == ctrl) {
			*p = ctrl->next;
			break;
		}
	nvme_ctrl_stop(ctrl);
	pci_clear_master(pdev);
	nvme_free_mem(ctrl);
	pci_iounmap(pdev, ctrl->bar);
	nvme_ctrl_delete(ctrl);
	pci_disable_device(pdev);
}

static const struct pci_device_id nvme_pci_ids[] = {
	{ PCI_DEVICE_CLASS(PCI_CLASS_STORAGE_EXPRESS, 0xffffff) },
	{ }
};
MODULE_DEVICE_TABLE(pci, nvme_pci_ids);

static struct pci_driver nvme_pci_driver = {
	.name = "nvme",
	.id_table = nvme_pci_ids,
	.probe = nvme_probe,
	.remove = nvme_remove,
};

static int __init nvme_init(void)
{
	int ret = pci_register_driver(&nvme_pci_driver);

	if (ret)
		return ret;
	ret = nvme_command_register();
	if (ret)
		goto out_unregister_pci;
	return 0;

out_unregister_pci:
	pci_unregister_driver(&nvme_pci_driver);
	return ret;
}

static void __exit nvme_exit(void)
{
	nvme_command_unregister();
	pci_unregister_driver(&nvme_pci_driver);
}

module_init(nvme_init);
module_exit(nvme_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("NVMe controllers: namespaces as block devices");
