/*
 * e1000.ko's registers, descriptors and private state: Intel 8254x (82540EM, QEMU's default
 * NIC on -M pc). Register offsets and bits from the "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (section 13); only what the driver uses.
 */
#ifndef E1000_H
#define E1000_H

#include <keel/io.h>
#include <keel/netdevice.h>
#include <keel/pci.h>
#include <keel/spinlock.h>

#define E1000_CTRL 0x0000
#define  E1000_CTRL_FD (1u << 0)
#define  E1000_CTRL_ASDE (1u << 5)
#define  E1000_CTRL_SLU (1u << 6)
#define  E1000_CTRL_RST (1u << 26)
#define E1000_STATUS 0x0008
#define  E1000_STATUS_FD (1u << 0)
#define  E1000_STATUS_LU (1u << 1)
#define  E1000_STATUS_SPEED_SHIFT 6
#define E1000_EERD 0x0014
#define  E1000_EERD_START (1u << 0)
#define  E1000_EERD_DONE (1u << 4)
#define  E1000_EERD_ADDR_SHIFT 8
#define  E1000_EERD_DATA_SHIFT 16
#define E1000_ICR 0x00c0 /* read to clear */
#define E1000_IMS 0x00d0
#define E1000_IMC 0x00d8
#define  E1000_ICR_TXDW (1u << 0)
#define  E1000_ICR_LSC (1u << 2)
#define  E1000_ICR_RXDMT0 (1u << 4)
#define  E1000_ICR_RXO (1u << 6)
#define  E1000_ICR_RXT0 (1u << 7)
#define E1000_RCTL 0x0100
#define  E1000_RCTL_EN (1u << 1)
#define  E1000_RCTL_UPE (1u << 3)
#define  E1000_RCTL_MPE (1u << 4)
#define  E1000_RCTL_BAM (1u << 15)
#define  E1000_RCTL_SECRC (1u << 26) /* strip the FCS */
#define E1000_TCTL 0x0400
#define  E1000_TCTL_EN (1u << 1)
#define  E1000_TCTL_PSP (1u << 3) /* pad short packets to 64 bytes */
#define  E1000_TCTL_CT_SHIFT 4
#define  E1000_TCTL_COLD_SHIFT 12
#define E1000_TIPG 0x0410
#define E1000_RDBAL 0x2800
#define E1000_RDBAH 0x2804
#define E1000_RDLEN 0x2808
#define E1000_RDH 0x2810
#define E1000_RDT 0x2818
#define E1000_TDBAL 0x3800
#define E1000_TDBAH 0x3804
#define E1000_TDLEN 0x3808
#define E1000_TDH 0x3810
#define E1000_TDT 0x3818
#define E1000_MTA 0x5200 /* 128 registers: the multicast hash table */
#define E1000_MTA_SIZE 128
#define E1000_RAL0 0x5400
#define E1000_RAH0 0x5404
#define  E1000_RAH_AV (1u << 31)

/* Legacy receive descriptor (section 3.2.3). */
struct e1000_rx_desc {
	u64 buffer_addr;
	u16 length;
	u16 csum;
	u8 status;
	u8 errors;
	u16 special;
};
#define E1000_RXD_STAT_DD 0x01
#define E1000_RXD_STAT_EOP 0x02
#define E1000_RXD_ERR_FRAME 0x97 /* CE, SE, SEQ, CXE, RXE: a broken frame */

/* Legacy transmit descriptor (section 3.3.3). */
struct e1000_tx_desc {
	u64 buffer_addr;
	u16 length;
	u8 cso;
	u8 cmd;
	u8 status;
	u8 css;
	u16 special;
};
#define E1000_TXD_CMD_EOP 0x01
#define E1000_TXD_CMD_IFCS 0x02
#define E1000_TXD_CMD_RS 0x08
#define E1000_TXD_STAT_DD 0x01

#define E1000_RING_SIZE 256       /* descriptors per ring: 4 KiB, one page */
#define E1000_RX_BUF_SIZE 2048    /* RCTL.BSIZE 00 */

struct e1000_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	void *hw_addr;                /* BAR0 */
	spinlock_t lock;              /* the TX ring; taken in the IRQ handler too */
	struct e1000_rx_desc *rx_ring;
	struct e1000_tx_desc *tx_ring;
	struct sk_buff *rx_skb[E1000_RING_SIZE];
	struct sk_buff *tx_skb[E1000_RING_SIZE];
	unsigned int rx_next;         /* next descriptor the NIC fills */
	unsigned int tx_next, tx_clean; /* next free TX descriptor, oldest not reclaimed */
	bool rx_discard;              /* inside a frame too long for one buffer */
	bool irq_requested;
};

static inline u32 er32(struct e1000_adapter *a, u32 reg) { return readl((u8 *)a->hw_addr + reg); }
static inline void ew32(struct e1000_adapter *a, u32 reg, u32 v)
{
	writel(v, (u8 *)a->hw_addr + reg);
}

/* e1000_ring.c */
int e1000_setup_rings(struct e1000_adapter *adapter);
void e1000_free_rings(struct e1000_adapter *adapter);
void e1000_configure_rings(struct e1000_adapter *adapter);
netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
void e1000_clean_tx(struct e1000_adapter *adapter);
void e1000_clean_rx(struct e1000_adapter *adapter);

#endif
