/*
 * xhci.ko's registers, rings and contexts (xHCI 1.2: chapter 5 registers, 6.2 contexts, 6.4
 * TRBs), and the pieces shared between its files. Every ring is one page of 256 TRBs (the last
 * a Link TRB back to the first) and every context one page: simple, and what QEMU and small
 * controllers need.
 */
#ifndef XHCI_XHCI_H
#define XHCI_XHCI_H

#include <keel/completion.h>
#include <keel/layout.h>
#include <keel/mutex.h>
#include <keel/pci.h>
#include <keel/timer.h>
#include <keel/usb.h>
#include <keel/usb/hcd.h>
#include <keel/workqueue.h>

/* Capability registers (5.3) */
#define XHCI_CAPLENGTH 0x00
#define XHCI_HCSPARAMS1 0x04
#define XHCI_HCSPARAMS2 0x08
#define XHCI_HCCPARAMS1 0x10
#define XHCI_DBOFF 0x14
#define XHCI_RTSOFF 0x18
#define HCS_MAX_SLOTS(p) ((p) & 0xff)
#define HCS_MAX_PORTS(p) (((p) >> 24) & 0xff)
#define HCS_MAX_SCRATCH(p) ((((p) >> 16) & 0x3e0) | (((p) >> 27) & 0x1f))
#define HCC_AC64 (1u << 0)
#define HCC_CSZ (1u << 2)
#define HCC_XECP(p) (((p) >> 16) & 0xffff)

/* Operational registers (5.4) */
#define XHCI_USBCMD 0x00
#define XHCI_USBSTS 0x04
#define XHCI_PAGESIZE 0x08
#define XHCI_DNCTRL 0x14
#define XHCI_CRCR 0x18
#define XHCI_DCBAAP 0x30
#define XHCI_CONFIG 0x38
#define XHCI_PORTSC(n) (0x400 + 0x10 * ((n) - 1))
#define CMD_RUN (1u << 0)
#define CMD_RESET (1u << 1)
#define CMD_INTE (1u << 2)
#define CMD_HSEE (1u << 3)
#define STS_HALT (1u << 0)
#define STS_HSE (1u << 2)
#define STS_EINT (1u << 3)
#define STS_PCD (1u << 4)
#define STS_CNR (1u << 11)
#define STS_HCE (1u << 12)
#define CRCR_RCS (1u << 0)
#define CRCR_CA (1u << 2)

/* PORTSC (5.4.8) */
#define PORT_CCS (1u << 0)
#define PORT_PED (1u << 1)
#define PORT_PR (1u << 4)
#define PORT_PP (1u << 9)
#define PORT_SPEED(p) (((p) >> 10) & 0xf)
#define PORT_CSC (1u << 17)
#define PORT_PEC (1u << 18)
#define PORT_WRC (1u << 19)
#define PORT_OCC (1u << 20)
#define PORT_PRC (1u << 21)
#define PORT_PLC (1u << 22)
#define PORT_CEC (1u << 23)
#define PORT_CHANGES (PORT_CSC | PORT_PEC | PORT_WRC | PORT_OCC | PORT_PRC | PORT_PLC | PORT_CEC)
/* Bits written back unchanged: read-only and read-write-preserve ones (Linux's neutral). */
#define PORT_KEEP ((1u << 0) | (1u << 3) | (0xfu << 10) | (1u << 30) | (0xfu << 5) | \
		   (1u << 9) | (0x3u << 14) | (0x7u << 25))

/* Interrupter 0 (5.5.2), at RTSOFF + 0x20 */
#define XHCI_IMAN 0x00
#define XHCI_IMOD 0x04
#define XHCI_ERSTSZ 0x08
#define XHCI_ERSTBA 0x10
#define XHCI_ERDP 0x18
#define IMAN_IP (1u << 0)
#define IMAN_IE (1u << 1)
#define ERDP_EHB (1u << 3)

/* xHCI extended capabilities (7) */
#define XECP_ID(v) ((v) & 0xff)
#define XECP_NEXT(v) (((v) >> 8) & 0xff)
#define XECP_LEGACY 1
#define XECP_PROTOCOL 2
#define LEGACY_BIOS_OWNED (1u << 16)
#define LEGACY_OS_OWNED (1u << 24)

/* TRBs (6.4) */
struct xhci_trb {
	u64 param;
	u32 status;
	u32 control;
};

#define TRB_CYCLE (1u << 0)
#define TRB_ENT_TC (1u << 1) /* Link TRB: toggle cycle */
#define TRB_ISP (1u << 2)
#define TRB_ED (1u << 2)     /* event: Event Data */
#define TRB_CH (1u << 4)
#define TRB_IOC (1u << 5)
#define TRB_IDT (1u << 6)
#define TRB_BSR (1u << 9)
#define TRB_DIR_IN (1u << 16)
#define TRB_TYPE(t) ((u32)(t) << 10)
#define TRB_GET_TYPE(c) (((c) >> 10) & 0x3f)
#define TRB_SLOT(s) ((u32)(s) << 24)
#define TRB_GET_SLOT(c) ((c) >> 24)
#define TRB_EP(e) ((u32)(e) << 16)
#define TRB_GET_EP(c) (((c) >> 16) & 0x1f)
#define TRB_CC(s) ((s) >> 24)
#define TRB_LEN(s) ((s) & 0xffffff)
#define TRT_NO_DATA 0
#define TRT_OUT (2u << 16)
#define TRT_IN (3u << 16)

enum {
	TRB_NORMAL = 1, TRB_SETUP = 2, TRB_DATA = 3, TRB_STATUS = 4, TRB_LINK = 6,
	TRB_EVENT_DATA = 7, TRB_ENABLE_SLOT = 9, TRB_DISABLE_SLOT = 10, TRB_ADDR_DEV = 11,
	TRB_CONFIG_EP = 12, TRB_EVAL_CTX = 13, TRB_RESET_EP = 14, TRB_STOP_EP = 15,
	TRB_SET_DEQ = 16, TRB_TRANSFER_EVENT = 32, TRB_CMD_COMPLETION = 33,
	TRB_PORT_STATUS = 34, TRB_HC_EVENT = 37,
};

/* Completion codes (6.4.5) */
enum {
	CC_SUCCESS = 1, CC_DATA_BUFFER = 2, CC_BABBLE = 3, CC_TRANSACTION = 4, CC_TRB = 5,
	CC_STALL = 6, CC_SHORT_PACKET = 13, CC_STOPPED = 26, CC_STOPPED_LENGTH = 27,
};

#define RING_TRBS (PAGE_SIZE / sizeof(struct xhci_trb)) /* 256, the last one the Link */

struct xhci_ring {
	struct xhci_trb *trbs;
	u64 dma;
	unsigned int enq;
	u32 cycle;
	unsigned int free; /* TRBs not holding a queued transfer */
};

/* Endpoint context types (6.2.3) */
#define EP_TYPE_CONTROL 4
#define EP_CTX_STATE(dw0) ((dw0) & 7)

struct xhci_ep {
	struct xhci_ring ring;
	struct list_head urbs; /* queued, oldest first */
	unsigned int dci;      /* device context index: 1 for ep0, 2 * num + in */
	bool needs_reset;      /* halted by an error: Reset Endpoint and a new dequeue pointer */
};

struct xhci_slot {
	unsigned int id;
	struct usb_device *udev;
	void *in_ctx;  /* input context (one page) */
	void *out_ctx; /* device context the controller writes */
	struct xhci_ep *eps[32];
};

struct xhci_hcd {
	struct usb_hcd hcd;
	struct pci_dev *pdev;
	u8 *mmio, *op, *ir, *db;
	unsigned int max_slots, ctx_size, nscratch;
	u8 port_map[USB_MAXCHILDREN + 1]; /* usbcore's root port n is xHCI port port_map[n] */
	u64 *dcbaa;
	u64 *scratch_array;
	void **scratch_pages;
	struct xhci_ring cmd_ring;
	struct xhci_trb *event_trbs;
	u64 *erst;
	unsigned int ev_deq;
	u32 ev_cycle;
	struct xhci_slot *slots[256];
	/* One command at a time: its TRB, and what the completion event said. */
	struct mutex cmd_mutex;
	struct completion cmd_done;
	u64 cmd_trb;
	u32 cmd_status, cmd_control;
	struct work_struct reset_work; /* endpoints halted by errors */
	struct timer_list poll_timer;
	unsigned int irq;
	bool irq_requested, dying;
	unsigned long irqs, events;
	struct xhci_hcd *next;
};

#define hcd_to_xhci(h) ((struct xhci_hcd *)(h)->hcd_priv)
#define xhci_name(x) pci_name((x)->pdev)

u32 xhci_readl(const u8 *base, unsigned int reg);
void xhci_writel(u8 *base, unsigned int reg, u32 val);
void xhci_write64(u8 *base, unsigned int reg, u64 val);

/* ring.c */
int xhci_ring_alloc(struct xhci_ring *ring);
void xhci_ring_free(struct xhci_ring *ring);
u64 xhci_ring_put(struct xhci_ring *ring, u64 param, u32 status, u32 control);
int xhci_event_ring_alloc(struct xhci_hcd *xhci);
void xhci_event_ring_free(struct xhci_hcd *xhci);
void xhci_handle_events(struct xhci_hcd *xhci);
int xhci_command(struct xhci_hcd *xhci, u64 param, u32 control, const char *what);
int xhci_cc_to_errno(u32 cc);

/* port.c */
unsigned int xhci_map_ports(struct xhci_hcd *xhci, unsigned int max);
int xhci_port_status(struct usb_hcd *hcd, unsigned int port, struct usb_port_status *st);
int xhci_port_reset(struct usb_hcd *hcd, unsigned int port);
void xhci_port_clear_changes(struct usb_hcd *hcd, unsigned int port, u16 change);

/* slot.c */
int xhci_alloc_dev(struct usb_hcd *hcd, struct usb_device *udev);
void xhci_free_dev(struct usb_hcd *hcd, struct usb_device *udev);
int xhci_update_ep0(struct usb_hcd *hcd, struct usb_device *udev);
int xhci_configure(struct usb_hcd *hcd, struct usb_device *udev);
int xhci_update_hub(struct usb_hcd *hcd, struct usb_device *udev, unsigned int nports);
void *xhci_slot_ctx(struct xhci_hcd *xhci, struct xhci_slot *slot, bool input);
void *xhci_ep_ctx(struct xhci_hcd *xhci, struct xhci_slot *slot, unsigned int dci, bool input);

/* transfer.c */
int xhci_urb_enqueue(struct usb_hcd *hcd, struct urb *urb, unsigned int gfp);
int xhci_urb_dequeue(struct usb_hcd *hcd, struct urb *urb, int status);
int xhci_reset_endpoint(struct usb_hcd *hcd, struct usb_device *udev,
			struct usb_host_endpoint *hep);
void xhci_transfer_event(struct xhci_hcd *xhci, const struct xhci_trb *ev);
void xhci_giveback_all(struct xhci_hcd *xhci, struct xhci_ep *ep, int status);
void xhci_reset_work(struct work_struct *work);

#endif
