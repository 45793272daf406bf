/*
 * NVMe queues and running one command (NVMe 1.4, 4.1 and 7.2): the entry is copied to the
 * submission queue's tail and the tail doorbell rung; the completion comes back in the
 * completion queue with the phase tag flipped, and the head doorbell gives the slot back (for
 * pin-based interrupts that is also what drops the line). The task sleeps on the controller's
 * completion, which the interrupt handler completes; every 10 ms it also looks at the queue
 * itself, so a controller whose interrupt never arrives still works (polled, one line says
 * so). A command that times out resets the controller and is tried once more, then fails.
 */
#include <keel/barrier.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irqflags.h>
#include <keel/jiffies.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "nvme.h"

static unsigned int nvme_io_timeout = 30;
module_param_named_range(io_timeout, nvme_io_timeout, uint, 1, 600, 0444);
MODULE_PARM_DESC(io_timeout, "Seconds before a READ/WRITE/FLUSH is timed out (default 30)");
static unsigned int nvme_admin_timeout = 60;
module_param_named_range(admin_timeout, nvme_admin_timeout, uint, 1, 600, 0444);
MODULE_PARM_DESC(admin_timeout, "Seconds before an admin command is timed out (default 60)");

unsigned int nvme_admin_timeout_ms(void)
{
	return nvme_admin_timeout * 1000;
}

/* One page each: depth * 64 bytes of entries to submit, depth * 16 to complete. */
int nvme_alloc_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q, u16 qid, u16 depth)
{
	u8 *dbs = (u8 *)ctrl->bar + NVME_REG_DBS;

	q->ctrl = ctrl;
	q->qid = qid;
	q->depth = depth;
	q->sq = alloc_page();
	q->cq = alloc_page();
	if (!q->sq || !q->cq) {
		nvme_free_queue(q);
		return -ENOMEM;
	}
	q->sq_db = (u32 *)(dbs + (2 * qid) * ctrl->db_stride);
	q->cq_db = (u32 *)(dbs + (2 * qid + 1) * ctrl->db_stride);
	nvme_init_queue(q);
	return 0;
}

void nvme_free_queue(struct nvme_queue *q)
{
	if (q->sq)
		free_page(q->sq);
	if (q->cq)
		free_page(q->cq);
	q->sq = NULL;
	q->cq = NULL;
}

/* Empty queues as a controller expects them after a reset: heads and tails 0, phase 1. */
void nvme_init_queue(struct nvme_queue *q)
{
	unsigned long flags;

	local_irq_save(flags); /* the handler reads the queue */
	memset(q->sq, 0, PAGE_SIZE);
	memset(q->cq, 0, PAGE_SIZE);
	q->sq_tail = q->cq_head = 0;
	q->cq_phase = 1;
	q->busy = q->done = false;
	local_irq_restore(flags);
}

/*
 * Consumes the new entries of q's completion queue (those whose phase tag is the current
 * phase), keeps the one the waiting command is after, and rings the head doorbell. Called
 * from the interrupt handler or with interrupts off. True when there was an entry.
 */
static bool nvme_process_cq(struct nvme_queue *q)
{
	bool found = false;

	if (!q->cq)
		return false;
	for (;;) {
		struct nvme_completion *cqe = &q->cq[q->cq_head];

		if ((((volatile struct nvme_completion *)cqe)->status & 1) != q->cq_phase)
			break;
		rmb(); /* the rest of the entry is read after its phase tag */
		if (q->busy && cqe->command_id == q->cid) {
			q->cqe = *cqe;
			q->done = true;
			q->busy = false;
		}
		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
		found = true;
	}
	if (found)
		writel(q->cq_head, q->cq_db);
	return found;
}

/*
 * The controller's interrupt, maybe sharing its line: entries on either queue mean it was
 * ours. Reading them and moving the head doorbells is what deasserts a pin-based interrupt.
 */
irqreturn_t nvme_irq(int irq, void *data)
{
	struct nvme_ctrl *ctrl = data;
	bool found = nvme_process_cq(&ctrl->adminq);

	(void)irq;
	if (ctrl->ioq_live)
		found |= nvme_process_cq(&ctrl->ioq);
	if (!found)
		return IRQ_NONE;
	ctrl->irq_count++;
	complete(&ctrl->done);
	return IRQ_HANDLED;
}

static void nvme_issue(struct nvme_queue *q, struct nvme_command *cmd)
{
	cmd->command_id = ++q->cid;
	memcpy(&q->sq[q->sq_tail], cmd, sizeof(*cmd));
	if (++q->sq_tail == q->depth)
		q->sq_tail = 0;
	q->done = false;
	q->busy = true;
	wmb(); /* the entry is in memory before the controller fetches it */
	writel(q->sq_tail, q->sq_db);
}

static void nvme_note_polling(struct nvme_ctrl *ctrl)
{
	if (ctrl->polling_logged || !ctrl->irq_requested)
		return;
	ctrl->polling_logged = true;
	pr_warn("nvme: %s: no interrupt from IRQ %u, completing commands by polling\n",
		ctrl->name, ctrl->irq);
}

/* Sleeps until q's command completes (0) or timeout_ms pass (-ETIMEDOUT). */
static int nvme_wait(struct nvme_ctrl *ctrl, struct nvme_queue *q, unsigned int timeout_ms)
{
	unsigned long end = jiffies + msecs_to_jiffies(timeout_ms);
	bool woken = true;

	for (;;) {
		unsigned long flags;
		bool done, polled;

		local_irq_save(flags);
		polled = !q->done && nvme_process_cq(q);
		done = q->done;
		local_irq_restore(flags);
		if (done) {
			if (polled && !woken)
				nvme_note_polling(ctrl);
			return 0;
		}
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		woken = wait_for_completion_timeout(&ctrl->done, msecs_to_jiffies(NVME_POLL_MS));
	}
}

static int nvme_run(struct nvme_ctrl *ctrl, struct nvme_queue *q, struct nvme_request *rq,
		    unsigned int timeout_ms)
{
	int ret;

	reinit_completion(&ctrl->done);
	ctrl->cmd_count++;
	nvme_issue(q, &rq->cmd);
	ret = nvme_wait(ctrl, q, timeout_ms);
	if (ret) {
		q->busy = false; /* a late entry is not this command's any more */
		return ret;
	}
	rq->status = q->cqe.status >> 1;
	rq->result = q->cqe.result;
	return 0;
}

/*
 * Whether the controller can reach [buf, buf + bytes) in place: the direct map and the kernel
 * image are physically contiguous; module memory and stacks are not (they go through the
 * bounce buffer). PRP entries need dword alignment.
 */
static bool nvme_buf_direct(const void *buf, u32 bytes)
{
	unsigned long v = (unsigned long)buf;

	if (v & 3)
		return false;
	return (v >= DIRECT_MAP_BASE && v < DIRECT_MAP_BASE + (1UL << 46)) ||
	       (v >= KERNEL_VMA && v + bytes <= MODULES_VADDR);
}

/* The largest piece of a transfer at buf one command may move. */
u32 nvme_max_bytes(struct nvme_ctrl *ctrl, const void *buf, u32 bytes)
{
	u32 max = ctrl->max_bytes;

	if (!nvme_buf_direct(buf, bytes < max ? bytes : max) && max > NVME_BOUNCE_SIZE)
		max = NVME_BOUNCE_SIZE;
	return max;
}

static void nvme_report(struct nvme_ctrl *ctrl, struct nvme_request *rq, const char *how)
{
	if (rq->has_lba)
		pr_err("nvme: %s: %s lba %llu %s\n", rq->dev ? rq->dev : ctrl->name, rq->what,
		       (unsigned long long)rq->lba, how);
	else
		pr_err("nvme: %s: %s %s\n", rq->dev ? rq->dev : ctrl->name, rq->what, how);
}

/* A timeout: reset, one more try; a second timeout resets again and gives up. */
static int nvme_timed_out(struct nvme_ctrl *ctrl, struct nvme_queue *q, struct nvme_request *rq,
			  unsigned int timeout_ms)
{
	char how[64];
	int ret;

	snprintf(how, sizeof(how), "timed out (%u ms), resetting the controller", timeout_ms);
	nvme_report(ctrl, rq, rq->no_reset ? "timed out" : how);
	if (rq->no_reset || nvme_reset_ctrl(ctrl))
		return -EIO;
	ret = nvme_run(ctrl, q, rq, timeout_ms);
	if (ret != -ETIMEDOUT)
		return ret;
	nvme_report(ctrl, rq, "timed out again after the reset: I/O error");
	nvme_reset_ctrl(ctrl);
	return -EIO;
}

/* Runs rq on q with the data at physical address addr; the caller holds ctrl->lock. */
static int nvme_exec(struct nvme_ctrl *ctrl, struct nvme_queue *q, struct nvme_request *rq,
		     u64 addr)
{
	unsigned int timeout_ms = q->qid ? nvme_io_timeout * 1000 : nvme_admin_timeout * 1000;
	char how[96];
	int ret;

	if (ctrl->dead || (q->qid && !ctrl->ioq_live))
		return -EIO;
	ret = rq->bytes ? nvme_setup_prps(ctrl, &rq->cmd, addr, rq->bytes) : 0;
	if (ret)
		return ret;
	ret = nvme_run(ctrl, q, rq, timeout_ms);
	if (ret == -ETIMEDOUT)
		ret = nvme_timed_out(ctrl, q, rq, timeout_ms);
	if (ret)
		return ret;
	if (!rq->status)
		return 0;
	snprintf(how, sizeof(how), "failed: %s (sct %u sc 0x%02x%s)", nvme_status_name(rq->status),
		 NVME_SCT(rq->status), NVME_SC(rq->status), NVME_DNR(rq->status) ? ", dnr" : "");
	nvme_report(ctrl, rq, how);
	return -EIO;
}

/*
 * Runs rq on q; the caller holds ctrl->lock. Buffers the controller cannot reach in place go
 * through the bounce buffer (at most NVME_BOUNCE_SIZE bytes then). 0, -EIO (failed or timed
 * out, reported in one line), -EINVAL (too large).
 */
int nvme_submit_locked(struct nvme_ctrl *ctrl, struct nvme_queue *q, struct nvme_request *rq)
{
	int ret;

	if (!rq->bytes || nvme_buf_direct(rq->buf, rq->bytes))
		return nvme_exec(ctrl, q, rq, rq->bytes ? virt_to_phys(rq->buf) : 0);
	if (rq->bytes > NVME_BOUNCE_SIZE)
		return -EINVAL;
	if (rq->write)
		memcpy(ctrl->bounce, rq->buf, rq->bytes);
	ret = nvme_exec(ctrl, q, rq, virt_to_phys(ctrl->bounce));
	if (!ret && !rq->write)
		memcpy(rq->buf, ctrl->bounce, rq->bytes);
	return ret;
}

int nvme_submit_admin(struct nvme_ctrl *ctrl, struct nvme_request *rq)
{
	int ret;

	mutex_lock(&ctrl->lock);
	ret = nvme_submit_locked(ctrl, &ctrl->adminq, rq);
	mutex_unlock(&ctrl->lock);
	return ret;
}

int nvme_submit_io(struct nvme_ctrl *ctrl, struct nvme_request *rq)
{
	int ret;

	mutex_lock(&ctrl->lock);
	ret = nvme_submit_locked(ctrl, &ctrl->ioq, rq);
	mutex_unlock(&ctrl->lock);
	return ret;
}
