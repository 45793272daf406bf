/*
 * e1000e.ko's registers, descriptors and private state: Intel's 82574L (8086:10d3), QEMU's
 * -device e1000e and the default NIC on -M q35. Offsets and bits from the "Intel 82574 GbE
 * Controller Family Datasheet" (section 10, registers; 7.1.5 receive descriptors); only what
 * the driver uses. Unlike e1000.ko's 8254x, receive uses the extended descriptor format
 * (RFCTL.EXSTEN), whose write-back carries a 32-bit status/error word.
 */
#ifndef E1000E_H
#define E1000E_H

#include <keel/io.h>
#include <keel/netdevice.h>
#include <keel/pci.h>
#include <keel/spinlock.h>

#define E1000E_CTRL 0x0000
#define  E1000E_CTRL_SLU (1u << 6)
#define  E1000E_CTRL_RST (1u << 26)
#define E1000E_STATUS 0x0008
#define  E1000E_STATUS_FD (1u << 0)
#define  E1000E_STATUS_LU (1u << 1)
#define  E1000E_STATUS_SPEED_SHIFT 6
#define E1000E_EECD 0x0010
#define  E1000E_EECD_AUTO_RD (1u << 9) /* the NVM has been read after reset */
#define E1000E_ICR 0x00c0 /* read to clear */
#define E1000E_IMS 0x00d0
#define E1000E_IMC 0x00d8
#define  E1000E_ICR_TXDW (1u << 0)
#define  E1000E_ICR_LSC (1u << 2)
#define  E1000E_ICR_RXDMT0 (1u << 4)
#define  E1000E_ICR_RXO (1u << 6)
#define  E1000E_ICR_RXT0 (1u << 7)
#define  E1000E_ICR_INT_ASSERTED (1u << 31) /* this device raised the (shared) INTx line */
#define E1000E_RCTL 0x0100
#define  E1000E_RCTL_EN (1u << 1)
#define  E1000E_RCTL_UPE (1u << 3)
#define  E1000E_RCTL_MPE (1u << 4)
#define  E1000E_RCTL_BAM (1u << 15)
#define  E1000E_RCTL_SECRC (1u << 26)
#define E1000E_TCTL 0x0400
#define  E1000E_TCTL_EN (1u << 1)
#define  E1000E_TCTL_PSP (1u << 3)
#define  E1000E_TCTL_CT_SHIFT 4
#define  E1000E_TCTL_COLD_SHIFT 12
#define E1000E_TIPG 0x0410
#define E1000E_RDBAL 0x2800
#define E1000E_RDBAH 0x2804
#define E1000E_RDLEN 0x2808
#define E1000E_RDH 0x2810
#define E1000E_RDT 0x2818
#define E1000E_TDBAL 0x3800
#define E1000E_TDBAH 0x3804
#define E1000E_TDLEN 0x3808
#define E1000E_TDH 0x3810
#define E1000E_TDT 0x3818
#define E1000E_RFCTL 0x5008
#define  E1000E_RFCTL_EXSTEN (1u << 15) /* extended receive descriptors */
#define E1000E_MTA 0x5200
#define E1000E_MTA_SIZE 128
#define E1000E_RAL0 0x5400
#define E1000E_RAH0 0x5404
#define  E1000E_RAH_AV (1u << 31)

/* Extended receive descriptor (7.1.5.2): the driver writes the read format, the NIC
 * overwrites it with the write-back format. */
union e1000e_rx_desc {
	struct {
		u64 buffer_addr;
		u64 reserved; /* must be 0: its top bits become DD in the write-back */
	} read;
	struct {
		u32 mrq;
		u32 rss;
		u32 status_error;
		u16 length;
		u16 vlan;
	} wb;
};
#define E1000E_RXD_STAT_DD (1u << 0)
#define E1000E_RXD_STAT_EOP (1u << 1)
#define E1000E_RXD_ERR_FRAME 0xd7000000u /* CE, SE, SEQ, CXE, RXE: a broken frame */

/* Legacy transmit descriptor (7.2.10.1). */
struct e1000e_tx_desc {
	u64 buffer_addr;
	u16 length;
	u8 cso;
	u8 cmd;
	u8 status;
	u8 css;
	u16 special;
};
#define E1000E_TXD_CMD_EOP 0x01
#define E1000E_TXD_CMD_IFCS 0x02
#define E1000E_TXD_CMD_RS 0x08
#define E1000E_TXD_STAT_DD 0x01

#define E1000E_RING_SIZE 256     /* descriptors per ring: 4 KiB, one page */
#define E1000E_RX_BUF_SIZE 2048  /* RCTL.BSIZE 00 */

struct e1000e_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	void *hw_addr;                  /* BAR0 */
	spinlock_t lock;                /* the TX ring; taken in the IRQ handler too */
	union e1000e_rx_desc *rx_ring;
	struct e1000e_tx_desc *tx_ring;
	struct sk_buff *rx_skb[E1000E_RING_SIZE];
	struct sk_buff *tx_skb[E1000E_RING_SIZE];
	unsigned int rx_next;
	unsigned int tx_next, tx_clean;
	bool rx_discard;                /* inside a frame too long for one buffer */
};

static inline u32 er32(struct e1000e_adapter *a, u32 reg)
{
	return readl((u8 *)a->hw_addr + reg);
}
static inline void ew32(struct e1000e_adapter *a, u32 reg, u32 v)
{
	writel(v, (u8 *)a->hw_addr + reg);
}

/* e1000e_ring.c */
int e1000e_setup_rings(struct e1000e_adapter *adapter);
void e1000e_free_rings(struct e1000e_adapter *adapter);
void e1000e_configure_rings(struct e1000e_adapter *adapter);
netdev_tx_t e1000e_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
void e1000e_clean_tx(struct e1000e_adapter *adapter);
void e1000e_clean_rx(struct e1000e_adapter *adapter);

#endif
