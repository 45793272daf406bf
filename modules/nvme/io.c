/*
 * The NVM command set's READ, WRITE and FLUSH (NVMe 1.4, 6.8, 6.9, 6.15) on a namespace, the
 * physical region page entries that describe a transfer (4.3), and the block device
 * operations the block layer calls. A request is cut into commands of at most the
 * controller's transfer size (MDTS, and 8 MiB).
 */
#include <keel/errno.h>
#include <keel/layout.h>
#include <keel/minmax.h>
#include "nvme.h"

/*
 * PRP1 is the first byte (any dword-aligned offset in its page); a transfer ending in the next
 * page puts that page in PRP2; a longer one puts in PRP2 a list of the remaining pages, whose
 * last entry points at the next list page when more follow. addr is physically contiguous.
 * 0, or -EINVAL past the list pages' reach.
 */
int nvme_setup_prps(struct nvme_ctrl *ctrl, struct nvme_command *cmd, u64 addr, u32 bytes)
{
	u32 first = NVME_PAGE_SIZE - (u32)(addr & (NVME_PAGE_SIZE - 1));
	unsigned int page = 0, i = 0;
	u64 *list = ctrl->prp_list[0];
	u64 next = addr + first;

	cmd->prp1 = addr;
	cmd->prp2 = 0;
	if (bytes <= first)
		return 0;
	bytes -= first;
	if (bytes <= NVME_PAGE_SIZE) {
		cmd->prp2 = next;
		return 0;
	}
	cmd->prp2 = virt_to_phys(list);
	while (bytes) {
		if (i == NVME_PRP_PER_PAGE - 1 && bytes > NVME_PAGE_SIZE) {
			if (++page == NVME_PRP_PAGES)
				return -EINVAL;
			list[i] = virt_to_phys(ctrl->prp_list[page]);
			list = ctrl->prp_list[page];
			i = 0;
		}
		list[i++] = next;
		next += NVME_PAGE_SIZE;
		bytes -= min(bytes, NVME_PAGE_SIZE);
	}
	return 0;
}

/* One READ or WRITE of count blocks (1..65536). */
static int nvme_rw_cmd(struct nvme_ns *ns, u64 lba, u32 count, void *buf, bool write)
{
	struct nvme_request rq = {
		.cmd = { .opcode = write ? nvme_cmd_write : nvme_cmd_read, .nsid = ns->nsid,
			 .cdw10 = (u32)lba, .cdw11 = (u32)(lba >> 32), .cdw12 = count - 1 },
		.buf = buf, .bytes = count << ns->lba_shift, .write = write,
		.what = write ? "WRITE" : "READ", .dev = ns->bdev.name, .lba = lba,
		.has_lba = true,
	};

	return nvme_submit_io(ns->ctrl, &rq);
}

int nvme_ns_rw(struct nvme_ns *ns, u64 lba, u32 count, void *buf, bool write)
{
	struct nvme_ctrl *ctrl = ns->ctrl;
	u8 *p = buf;
	int ret = 0;

	if (!blk_range_within(lba, count, ns->bdev.nr_sectors))
		return -EINVAL;
	while (count && !ret) {
		u64 bytes = min((u64)count << ns->lba_shift, (u64)ctrl->max_bytes);
		u32 n = nvme_max_bytes(ctrl, p, (u32)bytes) >> ns->lba_shift;

		n = min3(n, count, 65536u); /* NLB is 16 bits, 0-based */
		ret = nvme_rw_cmd(ns, lba, n, p, write);
		lba += n;
		count -= n;
		p += (size_t)n << ns->lba_shift;
	}
	return ret;
}

/* FLUSH only means something with a volatile write cache (Identify Controller VWC). */
int nvme_ns_flush(struct nvme_ns *ns)
{
	struct nvme_request rq = { .cmd = { .opcode = nvme_cmd_flush, .nsid = ns->nsid },
				   .what = "FLUSH", .dev = ns->bdev.name };

	if (!ns->ctrl->vwc)
		return 0;
	return nvme_submit_io(ns->ctrl, &rq);
}

static int nvme_bdev_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	return nvme_ns_rw(bdev->private_data, sector, count, buf, false);
}

static int nvme_bdev_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	/* The buffer is only read: the common path takes it as void *. */
	return nvme_ns_rw(bdev->private_data, sector, count, (void *)buf, true);
}

static int nvme_bdev_flush(struct block_device *bdev)
{
	return nvme_ns_flush(bdev->private_data);
}

const struct block_device_operations nvme_bdev_ops = {
	.read = nvme_bdev_read,
	.write = nvme_bdev_write,
	.flush = nvme_bdev_flush,
};
