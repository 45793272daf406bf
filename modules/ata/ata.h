/*
 * ata.ko's internal header: IDE controller, channel and device state, register layout and the
 * functions the driver's files share (channel.c, probe.c, pio.c, dma.c, rw.c, atapi.c, cmd.c,
 * main.c). See docs/drivers.md, "ATA disks".
 */
#ifndef ATA_INTERNAL_H
#define ATA_INTERNAL_H

#include <keel/blkdev.h>
#include <keel/completion.h>
#include <keel/mutex.h>
#include <keel/types.h>
#include "signature.h"

struct pci_dev;

/* Command block registers (offsets from the channel's command base). */
#define ATA_REG_DATA 0
#define ATA_REG_ERROR 1 /* read */
#define ATA_REG_FEATURE 1 /* write */
#define ATA_REG_NSECT 2
#define ATA_REG_LBAL 3
#define ATA_REG_LBAM 4
#define ATA_REG_LBAH 5
#define ATA_REG_DEVICE 6
#define ATA_REG_STATUS 7 /* read: also acknowledges the interrupt */
#define ATA_REG_COMMAND 7 /* write */

/* Control block: alternate status (read) / device control (write). */
#define ATA_CTL_NIEN 0x02
#define ATA_CTL_SRST 0x04
#define ATA_CTL_HOB 0x80

#define ATA_DEV_LBA 0x40
#define ATA_DEV_OBS 0xa0 /* bits 7 and 5, set by tradition */

#define ATA_ERR 0x01
#define ATA_DRQ 0x08
#define ATA_DF 0x20
#define ATA_DRDY 0x40
#define ATA_BSY 0x80

/* Bus master IDE registers (BAR4), per channel (secondary at +8). */
#define BM_COMMAND 0
#define BM_STATUS 2
#define BM_PRD_ADDR 4
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08 /* the device writes to memory */
#define BM_STATUS_ACTIVE 0x01
#define BM_STATUS_ERROR 0x02
#define BM_STATUS_IRQ 0x04
#define BM_STATUS_KEEP 0x60 /* drive "DMA capable" bits, read/write */
#define PRD_EOT 0x80000000u

/* Commands. */
#define ATA_CMD_READ_PIO 0x20
#define ATA_CMD_READ_PIO_EXT 0x24
#define ATA_CMD_WRITE_PIO 0x30
#define ATA_CMD_WRITE_PIO_EXT 0x34
#define ATA_CMD_READ_DMA 0xc8
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_DMA 0xca
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_FLUSH 0xe7
#define ATA_CMD_FLUSH_EXT 0xea
#define ATA_CMD_IDENTIFY 0xec
#define ATA_CMD_IDENTIFY_PACKET 0xa1
#define ATA_CMD_PACKET 0xa0

#define ATA_SECTOR_SIZE 512
#define ATAPI_SECTOR_SIZE 2048
#define ATA_LBA28_LIMIT (1ULL << 28)
#define ATA_LBA48_LIMIT (1ULL << 48)
#define ATAPI_LBA_LIMIT (1ULL << 32) /* READ(10) carries a 32-bit LBA */
#define ATA_TIMEOUT_MS 5000
#define ATA_FLUSH_TIMEOUT_MS 30000

/*
 * The DMA bounce buffer for memory the device cannot reach directly: 2^5 pages = 128 KiB = 256
 * sectors, the most one LBA28 command moves; also the most one DMA command moves here.
 */
#define ATA_DMA_BUF_ORDER 5
#define ATA_DMA_BUF_SIZE (4096u << ATA_DMA_BUF_ORDER)
#define ATA_DMA_MAX_SECTORS (ATA_DMA_BUF_SIZE / ATA_SECTOR_SIZE)

struct ata_channel;

struct ata_device {
	struct ata_channel *channel;
	int unit; /* 0 master, 1 slave */
	char name[BDEV_NAME_MAX];
	enum ata_dev_type type;
	char serial[21], firmware[9];
	bool lba48, dma_capable, use_dma;
	bool dma_fallback_logged;
	u8 atapi_sense_key; /* from the last failed packet command */
	bool media_changed; /* ATAPI: a change was seen; the capacity must be read again */
	struct block_device bdev;
	bool registered;
};

struct ata_channel {
	struct ata_host *host;
	int index;     /* 0 primary, 1 secondary */
	u16 cmd_base, ctl_base;
	u16 bmdma_base; /* 0: no bus master, PIO only */
	unsigned int irq;
	bool native, irq_requested, floating;
	int selected; /* unit whose device register is loaded, -1 unknown */
	/*
	 * Serializes commands: one task at a time owns the registers, the PRD table and the
	 * bounce buffer, from issuing a command to reading its result. Taken by the entry points
	 * (block I/O, flush, detection, the `ata` command), never by the helpers below them.
	 */
	struct mutex lock;
	/* Completed by the interrupt handler, once per interrupt; ata_issue re-arms it. */
	struct completion irq_done;
	volatile u8 irq_status, irq_bm_status;
	unsigned long irq_count;
	/* DMA: one PRD table page and a bounce buffer, both direct-mapped below 4 GiB. */
	u32 *prd;
	u8 *dma_buf;
	struct ata_device devices[2];
};

struct ata_host {
	struct pci_dev *pdev; /* NULL: the legacy ISA ports */
	int slot;             /* names hd('a' + 4 * slot) ... */
	struct ata_channel channels[2];
	struct ata_host *next;
};

/* One command's register contents. */
struct ata_taskfile {
	u8 command;
	u8 feature;
	u64 lba;
	u32 count;   /* sector count register: 256 (LBA28) and 65536 (LBA48) are written as 0 */
	u32 sectors; /* data sectors the command moves (IDENTIFY: 1) */
	bool lba48;
};

extern bool ata_dma_default;

/* channel.c: registers, waits, interrupts, reset. */
u8 ata_altstatus(struct ata_channel *ch);
void ata_delay400(struct ata_channel *ch);
int ata_select(struct ata_channel *ch, int unit);
int ata_wait_not_busy(struct ata_channel *ch, unsigned int timeout_ms);
int ata_wait_drq(struct ata_channel *ch, unsigned int timeout_ms);
int ata_wait_irq(struct ata_channel *ch, unsigned int timeout_ms);
void ata_arm_irq(struct ata_channel *ch);
void ata_channel_init(struct ata_channel *ch);
int ata_issue(struct ata_device *dev, const struct ata_taskfile *tf);
void ata_soft_reset(struct ata_channel *ch);
int ata_timeout(struct ata_device *dev, const char *what);
int ata_channel_start(struct ata_channel *ch);
void ata_channel_stop(struct ata_channel *ch);
void ata_insw(u16 port, void *buf, size_t words);
void ata_outsw(u16 port, const void *buf, size_t words);

/* rw.c: block I/O, flush, error messages. ata_rw, ata_flush, atapi_read and
 * atapi_revalidate take the channel's lock themselves (task context: they may sleep). */
int ata_check_status(struct ata_device *dev, u8 status, const char *what, u64 lba, u32 count);
u64 ata_lba_limit(const struct ata_device *dev);
int ata_rw(struct ata_device *dev, u64 lba, u32 count, void *buf, bool write);
int ata_flush(struct ata_device *dev);
int ata_nodata_command(struct ata_device *dev, u8 command, unsigned int timeout_ms);
extern const struct block_device_operations ata_disk_ops;
extern const struct block_device_operations atapi_ops;

/* pio.c */
int ata_pio_in(struct ata_device *dev, const struct ata_taskfile *tf, void *buf);
int ata_pio_out(struct ata_device *dev, const struct ata_taskfile *tf, const void *buf);

/* dma.c */
int ata_dma_alloc(struct ata_channel *ch);
void ata_dma_free(struct ata_channel *ch);
int ata_dma_rw(struct ata_device *dev, const struct ata_taskfile *tf, void *buf, bool write);

/* atapi.c */
int atapi_packet(struct ata_device *dev, const u8 *cdb, void *buf, u32 buflen);
int atapi_revalidate(struct ata_device *dev);
int atapi_read(struct ata_device *dev, u64 lba, u32 count, void *buf);

/* probe.c: detection and IDENTIFY. */
int ata_identify(struct ata_device *dev, bool quiet);
bool ata_channel_floats(struct ata_channel *ch);
void ata_channel_detect(struct ata_channel *ch);

/* main.c: hosts. */
struct ata_host *ata_first_host(void);
struct ata_device *ata_find_device(const char *name);

/* cmd.c: the `ata` shell command. */
int ata_command_register(void);
void ata_command_unregister(void);

#endif
