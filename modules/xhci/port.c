/*
 * Root hub ports (xHCI 4.19, PORTSC 5.4.8) in the USB 2.0 hub form usbcore's hub code reads:
 * connection, enable, reset, power, speed (Protocol Speed IDs 1-4, the defaults of 7.2.1),
 * and the change bits. A USB 2 port is enabled by a reset; a USB 3 port enables itself.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/jiffies.h>
#include <keel/printk.h>
#include "xhci.h"

#define XHCI_PORT_RESET_MS 500

static u32 portsc_read(struct xhci_hcd *xhci, unsigned int port)
{
	return xhci_readl(xhci->op, XHCI_PORTSC(xhci->port_map[port]));
}

/* Writes the bits in set, keeping the others as they are and clearing no change bit. */
static void portsc_write(struct xhci_hcd *xhci, unsigned int port, u32 set)
{
	u32 v = portsc_read(xhci, port);

	xhci_writel(xhci->op, XHCI_PORTSC(xhci->port_map[port]), (v & PORT_KEEP) | set);
}

/* Ports of one protocol (xHCI 7.2: Supported Protocol capability) appended to the map. */
static unsigned int map_protocol(struct xhci_hcd *xhci, unsigned int major, unsigned int n,
				 unsigned int max)
{
	u32 off = HCC_XECP(xhci_readl(xhci->mmio, XHCI_HCCPARAMS1)) * 4;

	while (off) {
		u32 cap = xhci_readl(xhci->mmio, off);

		if (XECP_ID(cap) == XECP_PROTOCOL && (cap >> 24) == major) {
			u32 ports = xhci_readl(xhci->mmio, off + 8);

			for (u32 p = ports & 0xff; p < (ports & 0xff) + ((ports >> 8) & 0xff); p++)
				if (p >= 1 && p <= max && n < USB_MAXCHILDREN)
					xhci->port_map[++n] = (u8)p;
		}
		off = XECP_NEXT(cap) ? off + XECP_NEXT(cap) * 4 : 0;
	}
	return n;
}

/*
 * Root ports as Linux numbers them on its USB 2 root hub: the USB 2 ports first (QEMU's
 * usb-kbd on port=1 is "usb 1-1"), then the USB 3 ones. Without the capability: as they are.
 * Returns how many ports usbcore sees.
 */
unsigned int xhci_map_ports(struct xhci_hcd *xhci, unsigned int max)
{
	unsigned int n = map_protocol(xhci, 2, 0, max);

	n = map_protocol(xhci, 3, n, max);
	if (n)
		return n;
	for (n = 0; n < max && n < USB_MAXCHILDREN; n++)
		xhci->port_map[n + 1] = (u8)(n + 1);
	return n;
}

static enum usb_device_speed psi_speed(u32 portsc)
{
	switch (PORT_SPEED(portsc)) {
	case 1:
		return USB_SPEED_FULL;
	case 2:
		return USB_SPEED_LOW;
	case 3:
		return USB_SPEED_HIGH;
	case 4:
		return USB_SPEED_SUPER;
	default:
		return USB_SPEED_UNKNOWN;
	}
}

int xhci_port_status(struct usb_hcd *hcd, unsigned int port, struct usb_port_status *st)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	u32 v;

	if (port < 1 || port > hcd->nports)
		return -EINVAL;
	v = portsc_read(xhci, port);
	st->wPortStatus = (u16)(((v & PORT_CCS) ? USB_PORT_STAT_CONNECTION : 0) |
				((v & PORT_PED) ? USB_PORT_STAT_ENABLE : 0) |
				((v & PORT_PR) ? USB_PORT_STAT_RESET : 0) |
				((v & PORT_PP) ? USB_PORT_STAT_POWER : 0));
	st->wPortChange = (u16)(((v & PORT_CSC) ? USB_PORT_STAT_C_CONNECTION : 0) |
				((v & PORT_PEC) ? USB_PORT_STAT_C_ENABLE : 0) |
				((v & (PORT_PRC | PORT_WRC)) ? USB_PORT_STAT_C_RESET : 0));
	st->speed = psi_speed(v);
	if (st->speed == USB_SPEED_LOW)
		st->wPortStatus |= USB_PORT_STAT_LOW_SPEED;
	else if (st->speed == USB_SPEED_HIGH)
		st->wPortStatus |= USB_PORT_STAT_HIGH_SPEED;
	return 0;
}

void xhci_port_clear_changes(struct usb_hcd *hcd, unsigned int port, u16 change)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);

	(void)change; /* every change bit, also those the hub form has no name for */
	if (port >= 1 && port <= hcd->nports)
		portsc_write(xhci, port, portsc_read(xhci, port) & PORT_CHANGES);
}

int xhci_port_reset(struct usb_hcd *hcd, unsigned int port)
{
	struct xhci_hcd *xhci = hcd_to_xhci(hcd);
	unsigned long end = jiffies + msecs_to_jiffies(XHCI_PORT_RESET_MS);
	u32 v;

	if (port < 1 || port > hcd->nports)
		return -EINVAL;
	if (portsc_read(xhci, port) & PORT_PED)
		return 0; /* USB 3 ports are enabled after link training */
	portsc_write(xhci, port, PORT_PR);
	do {
		msleep(10);
		v = portsc_read(xhci, port);
		if (!(v & PORT_PR) && (v & PORT_PRC))
			break;
	} while (!time_after(jiffies, end));
	portsc_write(xhci, port, v & (PORT_PRC | PORT_PEC | PORT_CSC));
	if ((v & PORT_PR) || !(v & PORT_PED)) {
		pr_err("xhci %s: port %u: reset did not enable the port (PORTSC 0x%08x)\n",
		       xhci_name(xhci), port, v);
		return -ETIMEDOUT;
	}
	return 0;
}
