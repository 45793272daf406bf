/*
 * ahci.ko's internal header: the HBA's memory registers (AHCI 1.3.1, section 3), the command
 * list, received FIS and command table layouts (section 4), the driver's host and port state,
 * and the functions main.c, port.c, cmd.c, disk.c, atapi.c and shell.c share. See
 * docs/drivers.md, "AHCI".
 */
#ifndef AHCI_H
#define AHCI_H

#include <keel/blkdev.h>
#include <keel/completion.h>
#include <keel/irq.h>
#include <keel/mutex.h>
#include <keel/types.h>

struct pci_dev;

#define AHCI_ABAR 5
#define AHCI_MAX_PORTS 32

/* Generic host control (offsets into ABAR). */
#define HOST_CAP 0x00
#define  HOST_CAP_NP 0x1f          /* ports - 1 */
#define  HOST_CAP_NCS_SHIFT 8      /* command slots - 1, 5 bits */
#define  HOST_CAP_ISS_SHIFT 20     /* interface speed, 4 bits */
#define  HOST_CAP_S64A (1u << 31)
#define HOST_CTL 0x04 /* GHC */
#define  HOST_RESET (1u << 0)
#define  HOST_IRQ_EN (1u << 1)
#define  HOST_AHCI_EN (1u << 31)
#define HOST_IRQ_STAT 0x08 /* IS: one bit per port */
#define HOST_PORTS_IMPL 0x0c /* PI */
#define HOST_VERSION 0x10

/* Port registers, at 0x100 + 0x80 * port. */
#define PORT_BASE 0x100
#define PORT_SIZE 0x80
#define PORT_LST_ADDR 0x00    /* PxCLB */
#define PORT_LST_ADDR_HI 0x04 /* PxCLBU */
#define PORT_FIS_ADDR 0x08    /* PxFB */
#define PORT_FIS_ADDR_HI 0x0c /* PxFBU */
#define PORT_IRQ_STAT 0x10    /* PxIS */
#define PORT_IRQ_MASK 0x14    /* PxIE */
#define PORT_CMD 0x18         /* PxCMD */
#define PORT_TFDATA 0x20      /* PxTFD: status in 7:0, error in 15:8 */
#define PORT_SIG 0x24         /* PxSIG */
#define PORT_SCR_STAT 0x28    /* PxSSTS */
#define PORT_SCR_CTL 0x2c     /* PxSCTL */
#define PORT_SCR_ERR 0x30     /* PxSERR */
#define PORT_SCR_ACT 0x34     /* PxSACT */
#define PORT_CMD_ISSUE 0x38   /* PxCI */

/* PxCMD. */
#define PORT_CMD_START (1u << 0)
#define PORT_CMD_SPIN_UP (1u << 1)
#define PORT_CMD_POWER_ON (1u << 2)
#define PORT_CMD_FIS_RX (1u << 4)
#define PORT_CMD_FIS_ON (1u << 14) /* FR */
#define PORT_CMD_LIST_ON (1u << 15) /* CR */
#define PORT_CMD_ATAPI (1u << 24)

/* PxIS / PxIE. */
#define PORT_IRQ_D2H_REG_FIS (1u << 0)
#define PORT_IRQ_PIOS_FIS (1u << 1)
#define PORT_IRQ_DMAS_FIS (1u << 2)
#define PORT_IRQ_SDB_FIS (1u << 3)
#define PORT_IRQ_UNK_FIS (1u << 4)
#define PORT_IRQ_CONNECT (1u << 6)
#define PORT_IRQ_PHYRDY (1u << 22)
#define PORT_IRQ_IF_NONFATAL (1u << 26)
#define PORT_IRQ_IF_ERR (1u << 27)
#define PORT_IRQ_HBUS_DATA_ERR (1u << 28)
#define PORT_IRQ_HBUS_ERR (1u << 29)
#define PORT_IRQ_TF_ERR (1u << 30)
#define PORT_IRQ_FATAL (PORT_IRQ_TF_ERR | PORT_IRQ_HBUS_ERR | PORT_IRQ_HBUS_DATA_ERR | \
			PORT_IRQ_IF_ERR)
/*
 * The interrupts a port raises. Not PCS/PRCS (hot plug, not handled yet): those mirror PxSERR
 * bits and stay set until PxSERR is cleared, which would hold the level-triggered line.
 */
#define PORT_IRQ_DEFAULT (PORT_IRQ_FATAL | PORT_IRQ_IF_NONFATAL | PORT_IRQ_UNK_FIS |       \
			  PORT_IRQ_SDB_FIS | PORT_IRQ_DMAS_FIS | PORT_IRQ_PIOS_FIS |       \
			  PORT_IRQ_D2H_REG_FIS)

/* PxSSTS: DET (3: device present, phy up) and SPD (1, 2, 3: 1.5, 3, 6 Gb/s). */
#define SSTS_DET(s) ((s) & 0xf)
#define SSTS_SPD(s) (((s) >> 4) & 0xf)
#define SSTS_DET_PRESENT 3

/* PxSIG values. */
#define AHCI_SIG_ATA 0x00000101u
#define AHCI_SIG_ATAPI 0xeb140101u

/* Taskfile status and error bits (in PxTFD). */
#define ATA_ERR 0x01
#define ATA_DRQ 0x08
#define ATA_DF 0x20
#define ATA_BSY 0x80

/* Commands. */
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_FLUSH_EXT 0xea
#define ATA_CMD_IDENTIFY 0xec
#define ATA_CMD_IDENTIFY_PACKET 0xa1
#define ATA_CMD_PACKET 0xa0

#define FIS_TYPE_REG_H2D 0x27
#define FIS_H2D_CMD (1u << 7) /* the C bit: this FIS carries a command */
#define ATA_DEV_LBA 0x40

#define AHCI_SECTOR_SIZE 512
#define AHCI_CD_SECTOR_SIZE 2048
#define AHCI_CMD_TIMEOUT_MS 5000
#define AHCI_FLUSH_TIMEOUT_MS 30000
#define AHCI_PRD_MAX_BYTES (4u << 20) /* one PRD entry moves at most 4 MiB */

/*
 * One command header (a slot in the 1 KiB command list). opts: CFL (FIS length in dwords) in
 * 4:0, A (ATAPI) 5, W (write) 6, PRDTL (PRD entries) in 31:16. status: bytes transferred.
 */
struct ahci_cmd_hdr {
	u32 opts;
	u32 status;
	u32 tbl_addr, tbl_addr_hi;
	u32 reserved[4];
} __attribute__((packed));

#define AHCI_CMD_ATAPI (1u << 5)
#define AHCI_CMD_WRITE (1u << 6)

/* A PRD entry: flags_size is the byte count - 1 (bit 0 set: counts are even), I in bit 31. */
struct ahci_sg {
	u32 addr, addr_hi;
	u32 reserved;
	u32 flags_size;
} __attribute__((packed));

/*
 * The command table: the command FIS, the ATAPI command (CDB), then the PRDT. 56 entries make
 * it 1 KiB. A command moves at most AHCI_MAX_BYTES (8 MiB, two PRDs): buffers are physically
 * contiguous (direct map, kernel image) or go through the bounce buffer, see cmd.c.
 */
#define AHCI_MAX_SG 56
#define AHCI_MAX_BYTES (8u << 20)
struct ahci_cmd_tbl {
	u8 cfis[64];
	u8 acmd[16];
	u8 reserved[48];
	struct ahci_sg sg[AHCI_MAX_SG];
} __attribute__((packed));

/* The received FIS area (256 bytes); the driver reads the taskfile from PxTFD instead. */
#define AHCI_RX_FIS_SZ 256
#define AHCI_CMD_LIST_SZ 1024
/* Buffers the device cannot reach in place go through a bounce buffer of 2^5 pages. */
#define AHCI_BOUNCE_ORDER 5
#define AHCI_BOUNCE_SIZE (4096u << AHCI_BOUNCE_ORDER)

enum ahci_dev_class { AHCI_DEV_NONE, AHCI_DEV_ATA, AHCI_DEV_ATAPI };

/* One command's register contents, written into a Register H2D FIS. */
struct ata_taskfile {
	u8 command;
	u16 feature;
	u64 lba;
	u16 count;
	u8 device;
};

/* One command as the port runs it: taskfile, optional CDB, the data buffer and direction. */
struct ahci_qc {
	struct ata_taskfile tf;
	const u8 *cdb; /* ATAPI PACKET: 12 bytes */
	void *buf;
	u32 bytes;
	bool write;
	unsigned int timeout_ms;
	bool quiet;       /* a failure is expected (ATAPI TEST UNIT READY): no message */
	const char *what; /* "READ DMA EXT", for messages */
	u64 lba;          /* for messages */
	/* Results: */
	u8 status, error; /* PxTFD; for ATAPI the error's high nibble is the sense key */
	u32 done_bytes;   /* PRDBC: bytes the HBA moved */
};

struct ahci_host;

struct ahci_port_priv {
	struct ahci_host *host;
	int index;
	void *mmio; /* this port's registers */
	enum ahci_dev_class class;
	char name[BDEV_NAME_MAX];
	unsigned int spd;
	/* DMA memory: one page holds the command list (0), received FIS (1024) and table (2048). */
	void *dma_page;
	struct ahci_cmd_hdr *cmd_slot;
	void *rx_fis;
	struct ahci_cmd_tbl *cmd_tbl;
	u8 *bounce;
	/* One command at a time: held from building a command to reading its result. */
	struct mutex lock;
	struct completion done; /* completed by the IRQ handler on each port interrupt */
	volatile u32 irq_stat;  /* PxIS bits the handler saw (and cleared) */
	unsigned long irq_count;
	unsigned long cmd_count; /* commands issued */
	bool started, lba48, cd_changed;
	u8 sense_key, asc;
	struct block_device bdev;
	bool registered;
};

struct ahci_host {
	struct pci_dev *pdev;
	void *mmio;
	u32 cap, pi;
	unsigned int n_ports, irq;
	bool irq_requested, polling_logged;
	struct ahci_port_priv *ports[AHCI_MAX_PORTS];
	struct ahci_host *next;
};

static inline void *ahci_port_base(struct ahci_host *host, int port)
{
	return (u8 *)host->mmio + PORT_BASE + PORT_SIZE * port;
}

/* port.c: engine start/stop, reset, detection. */
int ahci_port_alloc(struct ahci_port_priv *pp);
void ahci_port_free(struct ahci_port_priv *pp);
int ahci_port_start(struct ahci_port_priv *pp);
int ahci_port_stop(struct ahci_port_priv *pp);
int ahci_port_reset(struct ahci_port_priv *pp);
enum ahci_dev_class ahci_port_classify(struct ahci_port_priv *pp);
const char *ahci_class_name(enum ahci_dev_class class);

/* cmd.c: running one command, the interrupt handler. */
int ahci_exec(struct ahci_port_priv *pp, struct ahci_qc *qc);
u16 *ahci_read_id(struct ahci_port_priv *pp, u8 command, const char *what);
u32 ahci_max_bytes(struct ahci_port_priv *pp, const void *buf, u32 bytes);
irqreturn_t ahci_interrupt(int irq, void *dev_id);

/* disk.c: ATA disks. */
int ahci_disk_identify(struct ahci_port_priv *pp);
extern const struct block_device_operations ahci_disk_ops;
int ahci_disk_flush(struct ahci_port_priv *pp);

/* atapi.c: ATAPI CD/DVD drives. */
int ahci_atapi_identify(struct ahci_port_priv *pp);
int ahci_atapi_revalidate(struct ahci_port_priv *pp);
extern const struct block_device_operations ahci_atapi_ops;

/* main.c */
struct ahci_host *ahci_first_host(void);

/* shell.c: the `ahci` command. */
int ahci_command_register(void);
void ahci_command_unregister(void);

#endif
