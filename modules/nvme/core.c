/*
 * What runs on the admin queue (NVMe 1.4, section 5): Identify Controller (model, serial,
 * MDTS, NN, VWC), the one I/O queue pair (Set Features Number of Queues, Create I/O
 * Completion Queue, then Create I/O Submission Queue; deleted in the other order), and the
 * namespaces: the active namespace ID list, Identify Namespace for each, checked (id.c) and
 * registered as block devices nvme0n1, nvme0n2... whose partitions are nvme0n1p1...
 */
#include <keel/errno.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "nvme.h"

#define ID_CTRL_SN 4
#define ID_CTRL_MN 24
#define ID_CTRL_FR 64
#define ID_CTRL_MDTS 77
#define ID_CTRL_NN 516
#define ID_CTRL_VWC 525

static int nvme_identify(struct nvme_ctrl *ctrl, u32 nsid, u32 cns, void *buf,
			 const char *what, const char *dev)
{
	struct nvme_request rq = {
		.cmd = { .opcode = nvme_admin_identify, .nsid = nsid, .cdw10 = cns },
		.buf = buf, .bytes = NVME_ID_SIZE, .what = what, .dev = dev,
	};

	return nvme_submit_admin(ctrl, &rq);
}

/* MDTS is in units of the minimum page size (4 KiB here), 0 meaning no limit. */
static void nvme_set_max_bytes(struct nvme_ctrl *ctrl, unsigned int mdts)
{
	ctrl->max_bytes = NVME_MAX_BYTES;
	if (mdts && mdts < 12 && (NVME_PAGE_SIZE << mdts) < NVME_MAX_BYTES)
		ctrl->max_bytes = NVME_PAGE_SIZE << mdts;
}

int nvme_identify_ctrl(struct nvme_ctrl *ctrl)
{
	u8 *id = alloc_page();
	int ret;

	if (!id)
		return -ENOMEM;
	ret = nvme_identify(ctrl, 0, NVME_ID_CNS_CTRL, id, "Identify Controller", NULL);
	if (!ret) {
		nvme_id_string(id, ID_CTRL_SN, 20, ctrl->serial);
		nvme_id_string(id, ID_CTRL_MN, 40, ctrl->model);
		nvme_id_string(id, ID_CTRL_FR, 8, ctrl->firmware);
		nvme_set_max_bytes(ctrl, id[ID_CTRL_MDTS]);
		ctrl->nn = nvme_id_le32(id + ID_CTRL_NN);
		ctrl->vwc = id[ID_CTRL_VWC] & 1;
	}
	free_page(id);
	return ret;
}

static int nvme_admin_cmd(struct nvme_ctrl *ctrl, struct nvme_command *cmd, const char *what)
{
	struct nvme_request rq = { .cmd = *cmd, .what = what, .no_reset = true };

	return nvme_submit_locked(ctrl, &ctrl->adminq, &rq);
}

/*
 * Queue 1: its completion queue first (interrupt vector 0, as pin-based interrupts have only
 * that one), then its submission queue. The caller holds ctrl->lock (probe or a reset).
 */
int nvme_create_io_queues(struct nvme_ctrl *ctrl)
{
	struct nvme_queue *q = &ctrl->ioq;
	u32 size = (u32)(q->depth - 1) << 16 | q->qid;
	struct nvme_command nq = { .opcode = nvme_admin_set_features,
				   .cdw10 = NVME_FEAT_NUM_QUEUES, .cdw11 = 0 };
	struct nvme_command cq = { .opcode = nvme_admin_create_cq, .prp1 = virt_to_phys(q->cq),
				   .cdw10 = size, .cdw11 = NVME_QUEUE_PHYS_CONTIG |
				   (ctrl->irq_requested ? NVME_CQ_IRQ_ENABLED : 0) };
	struct nvme_command sq = { .opcode = nvme_admin_create_sq, .prp1 = virt_to_phys(q->sq),
				   .cdw10 = size, .cdw11 = (u32)q->qid << 16 |
				   NVME_QUEUE_PHYS_CONTIG };
	int ret;

	nvme_init_queue(q);
	ret = nvme_admin_cmd(ctrl, &nq, "Set Features (Number of Queues)");
	if (!ret)
		ret = nvme_admin_cmd(ctrl, &cq, "Create I/O Completion Queue");
	if (!ret)
		ret = nvme_admin_cmd(ctrl, &sq, "Create I/O Submission Queue");
	ctrl->ioq_live = !ret;
	return ret;
}

/* Before a normal shutdown; the caller holds ctrl->lock. */
void nvme_delete_io_queues(struct nvme_ctrl *ctrl)
{
	struct nvme_command sq = { .opcode = nvme_admin_delete_sq, .cdw10 = ctrl->ioq.qid };
	struct nvme_command cq = { .opcode = nvme_admin_delete_cq, .cdw10 = ctrl->ioq.qid };

	if (!ctrl->ioq_live)
		return;
	ctrl->ioq_live = false;
	if (!nvme_admin_cmd(ctrl, &sq, "Delete I/O Submission Queue"))
		nvme_admin_cmd(ctrl, &cq, "Delete I/O Completion Queue");
}

static void nvme_ns_problem(struct nvme_ns *ns, enum nvme_id_problem p,
			    const struct nvme_ns_geometry *g)
{
	const char *name = ns->bdev.name;

	if (p == NVME_ID_BAD_FORMAT_INDEX)
		pr_err("nvme: %s: skipped: LBA format %u past the %u formats\n", name, g->format,
		       g->nlbaf + 1);
	else if (p == NVME_ID_BAD_LBA_SIZE)
		pr_err("nvme: %s: skipped: LBA format %u has 2^%u-byte blocks (512 to 4096 "
		       "supported)\n", name, g->format, g->lba_shift);
	else if (p == NVME_ID_METADATA)
		pr_err("nvme: %s: skipped: %u bytes of metadata inside each block\n", name, g->ms);
	else if (p == NVME_ID_ZERO_SIZE)
		pr_err("nvme: %s: skipped: zero capacity (nsze 0)\n", name);
	else
		pr_err("nvme: %s: skipped: nsze %llu blocks is beyond 2^48\n", name,
		       (unsigned long long)g->nsze);
}

/* Identify Namespace, checked: 0, or -EINVAL (reported) / the command's error. */
static int nvme_ns_identify(struct nvme_ns *ns, u8 *id)
{
	struct nvme_ns_geometry g;
	enum nvme_id_problem p;
	int ret = nvme_identify(ns->ctrl, ns->nsid, NVME_ID_CNS_NS, id, "Identify Namespace",
				ns->bdev.name);

	if (ret)
		return ret;
	p = nvme_parse_id_ns(id, &g);
	if (p != NVME_ID_OK) {
		nvme_ns_problem(ns, p, &g);
		return -EINVAL;
	}
	ns->lba_shift = g.lba_shift;
	ns->bdev.sector_size = 1u << g.lba_shift;
	ns->bdev.nr_sectors = g.nsze;
	return 0;
}

static void nvme_ns_setup(struct nvme_ctrl *ctrl, struct nvme_ns *ns, u32 nsid)
{
	struct block_device *b = &ns->bdev;

	ns->ctrl = ctrl;
	ns->nsid = nsid;
	snprintf(b->name, sizeof(b->name), "%sn%u", ctrl->name, ctrl->nr_ns + 1);
	strlcpy(b->model, ctrl->model, sizeof(b->model));
	b->owner = THIS_MODULE;
	b->private_data = ns;
	b->ops = &nvme_bdev_ops;
}

/* One namespace: identified, checked, registered; skipped with one line otherwise. */
static void nvme_ns_add(struct nvme_ctrl *ctrl, u32 nsid, u8 *id)
{
	struct nvme_ns *ns = kzalloc(sizeof(*ns), GFP_KERNEL);
	int ret;

	if (!ns) {
		pr_err("nvme: %s: namespace %u: no memory, skipped\n", ctrl->name, nsid);
		return;
	}
	nvme_ns_setup(ctrl, ns, nsid);
	ret = nvme_ns_identify(ns, id);
	if (ret)
		goto out_free;
	pr_info("nvme: %s: namespace %u, %llu blocks of %u bytes (%llu MiB)\n", ns->bdev.name,
		nsid, (unsigned long long)ns->bdev.nr_sectors, ns->bdev.sector_size,
		(unsigned long long)(ns->bdev.nr_sectors << ns->lba_shift >> 20));
	ret = blkdev_register(&ns->bdev);
	if (ret) {
		pr_err("nvme: %s: not registered as a block device (%d)\n", ns->bdev.name, ret);
		goto out_free;
	}
	ns->registered = true;
	ctrl->ns[ctrl->nr_ns++] = ns;
	return;

out_free:
	kfree(ns);
}

/*
 * The active namespace IDs (CNS 02h, ascending, 0 ends the list) into list; the count. NVMe
 * 1.0 controllers have no such list: namespaces 1..NN are all there is.
 */
static unsigned int nvme_active_list(struct nvme_ctrl *ctrl, u32 *list)
{
	unsigned int n = 0;

	if (ctrl->vs < NVME_VS_1_1) {
		for (u32 nsid = 1; nsid <= ctrl->nn && n < NVME_ID_SIZE / 4; nsid++)
			list[n++] = nsid;
		return n;
	}
	if (nvme_identify(ctrl, 0, NVME_ID_CNS_NS_ACTIVE_LIST, list, "Identify (active namespaces)",
			  NULL))
		return 0;
	while (n < NVME_ID_SIZE / 4 && list[n])
		n++;
	return n;
}

/* Registers each usable namespace; -ENODEV (reported) when none is. */
int nvme_scan_namespaces(struct nvme_ctrl *ctrl)
{
	u32 *list = alloc_page();
	u8 *id = alloc_page();
	unsigned int n = 0;

	if (list && id)
		n = nvme_active_list(ctrl, list);
	for (unsigned int i = 0; i < n; i++) {
		if (ctrl->nr_ns == NVME_MAX_NS) {
			pr_warn("nvme: %s: %u namespaces, only the first %u registered\n",
				ctrl->name, n, NVME_MAX_NS);
			break;
		}
		nvme_ns_add(ctrl, list[i], id);
	}
	if (list)
		free_page(list);
	if (id)
		free_page(id);
	if (!list || !id)
		return -ENOMEM;
	if (!n)
		pr_err("nvme: %s: no active namespaces, controller skipped\n", ctrl->name);
	else if (!ctrl->nr_ns)
		pr_err("nvme: %s: no usable namespace, controller skipped\n", ctrl->name);
	return ctrl->nr_ns ? 0 : -ENODEV;
}

void nvme_remove_namespaces(struct nvme_ctrl *ctrl)
{
	for (unsigned int i = 0; i < ctrl->nr_ns; i++) {
		struct nvme_ns *ns = ctrl->ns[i];

		if (ns->registered)
			blkdev_unregister(&ns->bdev); /* flushes the cache first */
		kfree(ns);
		ctrl->ns[i] = NULL;
	}
	ctrl->nr_ns = 0;
}
