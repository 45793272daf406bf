/*
 * rtl8139.ko's registers and private state: the Realtek RTL8139 family (QEMU's -device
 * rtl8139, an RTL8139C+). Offsets and bits from Realtek's "RTL8139(A/B/C) Programming Guide"
 * and datasheet (section 6, register descriptions); only what the driver uses.
 *
 * The chip is simpler than a descriptor-ring NIC: it receives into one ring buffer (each frame
 * preceded by a 4-byte header) and transmits from four fixed slots, each one
 * physically contiguous buffer below 4 GiB with a status register.
 */
#ifndef RTL8139_H
#define RTL8139_H

#include <keel/io.h>
#include <keel/netdevice.h>
#include <keel/pci.h>
#include <keel/spinlock.h>

#define RTL_IDR0 0x00  /* MAC address, 6 bytes (loaded from the EEPROM at reset) */
#define RTL_MAR0 0x08  /* multicast hash filter, 8 bytes */
#define RTL_TSD0 0x10  /* transmit status of slot 0..3, 4 bytes apart */
#define  RTL_TSD_OWN (1u << 13)  /* the chip finished the DMA from the buffer */
#define  RTL_TSD_TUN (1u << 14)  /* transmit FIFO underrun */
#define  RTL_TSD_TOK (1u << 15)
#define  RTL_TSD_ERTXTH(bytes) ((((bytes) / 32) & 0x3f) << 16) /* early TX threshold */
#define  RTL_TSD_TABT (1u << 30) /* transmit aborted */
#define RTL_TSAD0 0x20 /* transmit start address of slot 0..3 */
#define RTL_RBSTART 0x30
#define RTL_CR 0x37
#define  RTL_CR_BUFE (1u << 0)  /* the receive buffer is empty */
#define  RTL_CR_TE (1u << 2)
#define  RTL_CR_RE (1u << 3)
#define  RTL_CR_RST (1u << 4)
#define RTL_CAPR 0x38  /* current address of packet read, minus 16 */
#define RTL_IMR 0x3c
#define RTL_ISR 0x3e   /* write 1s to clear */
#define  RTL_INT_ROK (1u << 0)
#define  RTL_INT_RER (1u << 1)
#define  RTL_INT_TOK (1u << 2)
#define  RTL_INT_TER (1u << 3)
#define  RTL_INT_RXOVW (1u << 4)
#define  RTL_INT_LINKCHG (1u << 5) /* packet underrun / link change */
#define  RTL_INT_FOVW (1u << 6)
#define  RTL_INT_SERR (1u << 15)
#define RTL_TCR 0x40
#define  RTL_TCR_MXDMA_1024 (6u << 8)
#define  RTL_TCR_IFG_STD (3u << 24)
#define  RTL_TCR_CLRABT (1u << 0)
#define RTL_RCR 0x44
#define  RTL_RCR_AAP (1u << 0) /* all physical addresses: promiscuous */
#define  RTL_RCR_APM (1u << 1) /* our own address */
#define  RTL_RCR_AM (1u << 2)  /* multicast through MAR */
#define  RTL_RCR_AB (1u << 3)  /* broadcast */
#define  RTL_RCR_MXDMA_UNLIM (7u << 8)
#define  RTL_RCR_RBLEN_8K (0u << 11)
#define  RTL_RCR_RXFTH_NONE (7u << 13)
#define RTL_MPC 0x4c   /* missed packet counter; written to clear */
#define RTL_9346CR 0x50
#define  RTL_9346CR_UNLOCK 0xc0 /* config registers writable */
#define RTL_CONFIG1 0x52
#define RTL_MSR 0x58
#define  RTL_MSR_LINKB (1u << 2) /* inverse of link status */
#define  RTL_MSR_SPEED_10 (1u << 3)
#define RTL_BMCR 0x62
#define  RTL_BMCR_DUPLEX (1u << 8)
#define  RTL_BMCR_ANE (1u << 12)   /* auto-negotiation: duplex from what both advertise */
#define RTL_ANAR 0x66              /* auto-negotiation advertisement (MII register 4) */
#define RTL_ANLPAR 0x68            /* ... and the link partner's (MII register 5) */
#define  RTL_AN_FULL 0x0140        /* 100BASE-TX and 10BASE-T full duplex */

/* The header the chip writes before each received frame in the ring. */
#define RTL_RX_ROK (1u << 0)
#define RTL_RX_FAE (1u << 1)     /* frame alignment error */
#define RTL_RX_CRC (1u << 2)
#define RTL_RX_BAD 0x3e         /* FAE, CRC, LONG, RUNT, ISE */
#define RTL_RX_EARLY 0xfff0     /* length field while the chip is still copying the frame */

#define RTL_RX_RING_LEN 8192    /* RCR.RBLEN 00 */
/*
 * The ring plus the 16 bytes the chip reserves. RCR.WRAP stays clear: a frame reaching the end
 * continues at the start, so nothing is ever written past the buffer. (With WRAP set the chip
 * runs on past the end, which needs room for the longest frame; QEMU's model accepts frames of
 * up to 64 KiB, which would then overrun any such slack.)
 */
#define RTL_RX_BUF_LEN (RTL_RX_RING_LEN + 16)
#define RTL_RX_BUF_ORDER 2      /* 16 KiB of pages hold its 8 KiB + 16 */
#define RTL_NUM_TX 4
#define RTL_TX_BUF_SIZE 1536
#define RTL_TX_BUF_ORDER 1      /* 4 x 1536 bytes */
#define RTL_RX_BUDGET 64        /* frames per interrupt */

struct rtl8139_priv {
	struct net_device *netdev;
	struct pci_dev *pdev;
	void *mmio;                 /* BAR1 */
	spinlock_t lock;            /* the TX slots; taken in the IRQ handler too */
	u8 *rx_ring;                /* RTL_RX_BUF_LEN bytes of DMA memory */
	u8 *tx_bufs;                /* RTL_NUM_TX bounce buffers */
	unsigned int rx_off;        /* offset of the next frame header in the ring */
	unsigned int tx_cur, tx_dirty; /* next slot to fill, oldest not yet reclaimed (counters) */
	unsigned int tx_len[RTL_NUM_TX];
	u32 mar[2];                 /* MAR0-7 for the multicast list, from set_rx_mode */
};

static inline u8 rtl_r8(struct rtl8139_priv *p, u32 reg) { return readb((u8 *)p->mmio + reg); }
static inline u16 rtl_r16(struct rtl8139_priv *p, u32 reg) { return readw((u8 *)p->mmio + reg); }
static inline u32 rtl_r32(struct rtl8139_priv *p, u32 reg) { return readl((u8 *)p->mmio + reg); }
static inline void rtl_w8(struct rtl8139_priv *p, u32 reg, u8 v) { writeb(v, (u8 *)p->mmio + reg); }
static inline void rtl_w16(struct rtl8139_priv *p, u32 reg, u16 v)
{
	writew(v, (u8 *)p->mmio + reg);
}
static inline void rtl_w32(struct rtl8139_priv *p, u32 reg, u32 v)
{
	writel(v, (u8 *)p->mmio + reg);
}

/* rtl8139_rxtx.c */
int rtl8139_alloc_buffers(struct rtl8139_priv *p);
void rtl8139_free_buffers(struct rtl8139_priv *p);
void rtl8139_start_rx(struct rtl8139_priv *p);
netdev_tx_t rtl8139_start_xmit(struct sk_buff *skb, struct net_device *netdev);
void rtl8139_clean_tx(struct rtl8139_priv *p);
void rtl8139_rx(struct rtl8139_priv *p);
void rtl8139_set_rx_mode(struct net_device *netdev);

#endif
