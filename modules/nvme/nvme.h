/*
 * nvme.ko's internal header: the controller registers (NVMe 1.4, section 3.1), submission and
 * completion queue entries (4.2, 4.6), the admin and NVM command set opcodes, the driver's
 * controller, queue and namespace state, and the functions main.c, queue.c, core.c, io.c,
 * status.c and shell.c share. See docs/drivers.md, "NVMe".
 */
#ifndef NVME_H
#define NVME_H

#include <keel/blkdev.h>
#include <keel/completion.h>
#include <keel/irq.h>
#include <keel/mutex.h>
#include <keel/types.h>
#include "id.h"

struct pci_dev;

/* Controller registers (BAR0). */
#define NVME_REG_CAP 0x00  /* 64-bit */
#define NVME_REG_VS 0x08 /* major << 16 | minor << 8 | tertiary */
#define  NVME_VS_1_1 0x00010100
#define NVME_REG_INTMS 0x0c
#define NVME_REG_INTMC 0x10
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28  /* 64-bit */
#define NVME_REG_ACQ 0x30  /* 64-bit */
#define NVME_REG_DBS 0x1000 /* doorbells */

#define NVME_CAP_MQES(cap) ((u32)((cap) & 0xffff))        /* queue entries - 1 */
#define NVME_CAP_TO(cap) ((u32)(((cap) >> 24) & 0xff))    /* ready timeout, 500 ms units */
#define NVME_CAP_DSTRD(cap) ((u32)(((cap) >> 32) & 0xf))  /* doorbell stride: 4 << DSTRD */
#define NVME_CAP_CSS_NVM(cap) (((cap) >> 37) & 1)
#define NVME_CAP_MPSMIN(cap) ((u32)(((cap) >> 48) & 0xf)) /* 2^(12 + MPSMIN) bytes */

#define NVME_CC_ENABLE (1u << 0)
#define NVME_CC_CSS_NVM (0u << 4)
#define NVME_CC_MPS_SHIFT 7
#define NVME_CC_SHN_NORMAL (1u << 14)
#define NVME_CC_SHN_MASK (3u << 14)
#define NVME_CC_IOSQES (6u << 16) /* 64-byte submission entries */
#define NVME_CC_IOCQES (4u << 20) /* 16-byte completion entries */

#define NVME_CSTS_RDY (1u << 0)
#define NVME_CSTS_CFS (1u << 1)
#define NVME_CSTS_SHST_MASK (3u << 2)
#define NVME_CSTS_SHST_CMPLT (2u << 2)

/* Admin opcodes (5.x) and NVM I/O opcodes (6.x). */
enum nvme_admin_opcode {
	nvme_admin_delete_sq = 0x00,
	nvme_admin_create_sq = 0x01,
	nvme_admin_delete_cq = 0x04,
	nvme_admin_create_cq = 0x05,
	nvme_admin_identify = 0x06,
	nvme_admin_set_features = 0x09,
};

enum nvme_opcode {
	nvme_cmd_flush = 0x00,
	nvme_cmd_write = 0x01,
	nvme_cmd_read = 0x02,
};

#define NVME_ID_CNS_NS 0x00
#define NVME_ID_CNS_CTRL 0x01
#define NVME_ID_CNS_NS_ACTIVE_LIST 0x02
#define NVME_FEAT_NUM_QUEUES 0x07
#define NVME_QUEUE_PHYS_CONTIG (1u << 0)
#define NVME_CQ_IRQ_ENABLED (1u << 1)

/* A submission queue entry, the fields named after Linux's (naturally aligned: no padding). */
struct nvme_command {
	u8 opcode;
	u8 flags;
	u16 command_id;
	u32 nsid;
	u32 cdw2, cdw3;
	u64 metadata;
	u64 prp1, prp2;
	u32 cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct nvme_command) == 64, "a submission entry is 64 bytes");

/* A completion queue entry (16 bytes). status: phase tag in bit 0, status field in 15:1. */
struct nvme_completion {
	u32 result;
	u32 rsvd;
	u16 sq_head, sq_id;
	u16 command_id;
	u16 status;
};
_Static_assert(sizeof(struct nvme_completion) == 16, "a completion entry is 16 bytes");

/* The status field (status >> 1): SC in 7:0, SCT in 10:8, DNR in 14. */
#define NVME_SC(st) ((st) & 0xff)
#define NVME_SCT(st) (((st) >> 8) & 0x7)
#define NVME_DNR(st) (((st) >> 14) & 1)

#define NVME_PAGE_SIZE 4096u
#define NVME_ADMIN_DEPTH 32
#define NVME_IO_DEPTH 64
#define NVME_MAX_NS 16          /* namespaces registered per controller */
#define NVME_MAX_CTRLS 32       /* nvme0..nvme31 */
#define NVME_MAX_BYTES (8u << 20) /* one command moves at most 8 MiB (and MDTS) */
/* PRP list pages one command may need: 512 entries each, the last one chains. */
#define NVME_PRP_PAGES 5
#define NVME_PRP_PER_PAGE (NVME_PAGE_SIZE / 8)
/* Buffers the controller cannot reach in place go through a bounce buffer of 2^5 pages. */
#define NVME_BOUNCE_ORDER 5
#define NVME_BOUNCE_SIZE (NVME_PAGE_SIZE << NVME_BOUNCE_ORDER)
#define NVME_POLL_MS 10

/* One submission/completion queue pair; qid 0 is the admin queue. */
struct nvme_queue {
	struct nvme_ctrl *ctrl;
	u16 qid, depth;
	struct nvme_command *sq;
	struct nvme_completion *cq;
	u16 sq_tail, cq_head;
	u8 cq_phase;
	u32 *sq_db, *cq_db;
	/* The one command in flight: its id and, once it completed, its entry. */
	u16 cid;
	bool busy, done;
	struct nvme_completion cqe;
};

struct nvme_ns {
	struct nvme_ctrl *ctrl;
	u32 nsid;
	unsigned int lba_shift;
	struct block_device bdev;
	bool registered;
};

struct nvme_ctrl {
	struct pci_dev *pdev;
	void *bar;
	int instance;         /* the N of nvmeN */
	char name[16];        /* "nvme0" */
	u64 cap;
	u32 vs;
	unsigned int db_stride; /* bytes between doorbells */
	unsigned int ready_timeout_ms;
	u32 max_bytes;        /* per command: MDTS and NVME_MAX_BYTES */
	bool vwc;             /* a volatile write cache: FLUSH means something */
	u32 nn;               /* namespaces the controller may have (Identify NN) */
	char model[41], serial[21], firmware[9];
	/* One command at a time on the whole controller: held from building a command to its
	 * completion, and across a reset. */
	struct mutex lock;
	struct completion done; /* completed by the interrupt handler */
	struct nvme_queue adminq, ioq;
	bool ioq_live, dead;
	u64 *prp_list[NVME_PRP_PAGES];
	u8 *bounce;
	unsigned int irq;
	bool irq_requested, polling_logged;
	unsigned long irq_count, cmd_count, resets;
	unsigned int nr_ns;
	struct nvme_ns *ns[NVME_MAX_NS];
	struct nvme_ctrl *next;
};

/* A command as the driver runs it: the entry, the data and what to say on failure. */
struct nvme_request {
	struct nvme_command cmd;
	void *buf;       /* NULL: no data */
	u32 bytes;
	bool write;
	const char *what; /* "READ", "Identify Controller" */
	const char *dev;  /* "nvme0n1", or the controller's name */
	u64 lba;
	bool has_lba;     /* READ/WRITE: messages name the lba */
	bool no_reset;    /* during a reset itself: a timeout is final */
	u32 result;       /* the entry's dword 0 */
	u16 status;       /* the status field, 0 on success */
};

/* queue.c: queues, issuing one command, the interrupt handler, timeouts and resets. */
int nvme_alloc_queue(struct nvme_ctrl *ctrl, struct nvme_queue *q, u16 qid, u16 depth);
void nvme_free_queue(struct nvme_queue *q);
void nvme_init_queue(struct nvme_queue *q);
int nvme_submit_locked(struct nvme_ctrl *ctrl, struct nvme_queue *q, struct nvme_request *rq);
int nvme_submit_admin(struct nvme_ctrl *ctrl, struct nvme_request *rq);
int nvme_submit_io(struct nvme_ctrl *ctrl, struct nvme_request *rq);
irqreturn_t nvme_irq(int irq, void *data);
u32 nvme_max_bytes(struct nvme_ctrl *ctrl, const void *buf, u32 bytes);
unsigned int nvme_admin_timeout_ms(void);

/* main.c: register access, enable/disable, reset. */
u32 nvme_readl(struct nvme_ctrl *ctrl, int reg);
void nvme_writel(struct nvme_ctrl *ctrl, int reg, u32 val);
int nvme_enable_ctrl(struct nvme_ctrl *ctrl);
int nvme_disable_ctrl(struct nvme_ctrl *ctrl);
int nvme_reset_ctrl(struct nvme_ctrl *ctrl);
struct nvme_ctrl *nvme_first_ctrl(void);

/* core.c: Identify, the I/O queue pair, namespaces. */
int nvme_identify_ctrl(struct nvme_ctrl *ctrl);
int nvme_create_io_queues(struct nvme_ctrl *ctrl);
void nvme_delete_io_queues(struct nvme_ctrl *ctrl);
int nvme_scan_namespaces(struct nvme_ctrl *ctrl);
void nvme_remove_namespaces(struct nvme_ctrl *ctrl);

/* io.c: READ/WRITE/FLUSH and the block device operations. */
extern const struct block_device_operations nvme_bdev_ops;
int nvme_ns_rw(struct nvme_ns *ns, u64 lba, u32 count, void *buf, bool write);
int nvme_ns_flush(struct nvme_ns *ns);
int nvme_setup_prps(struct nvme_ctrl *ctrl, struct nvme_command *cmd, u64 addr, u32 bytes);

/* status.c: status codes in words. */
const char *nvme_status_name(u16 status);

/* shell.c: the `nvme` command. */
int nvme_command_register(void);
void nvme_command_unregister(void);

#endif
