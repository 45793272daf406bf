/*
 * The USB Mass Storage Bulk-Only Transport (BOT 1.0): a 31-byte Command Block Wrapper on the
 * bulk OUT endpoint, the data stage, a 13-byte Command Status Wrapper on bulk IN. A stalled
 * endpoint is cleared (5.3.1, 6.7); a CSW that does not make sense, or a phase error, gets the
 * reset recovery of 5.3.4 (Bulk-Only Mass Storage Reset, then both halts cleared).
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "storage.h"

#define CBW_SIGNATURE 0x43425355 /* "USBC" */
#define CSW_SIGNATURE 0x53425355 /* "USBS" */
#define CBW_LEN 31
#define CSW_LEN 13
#define CSW_GOOD 0
#define CSW_FAILED 1
#define US_BULK_RESET 0xff
#define US_TIMEOUT_MS 10000

static void put_le32(u8 *p, u32 v)
{
	p[0] = (u8)v;
	p[1] = (u8)(v >> 8);
	p[2] = (u8)(v >> 16);
	p[3] = (u8)(v >> 24);
}

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void reset_recovery(struct us_data *us)
{
	usb_control_msg(us->udev, usb_sndctrlpipe(us->udev, 0), US_BULK_RESET,
			USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE, 0,
			us->intf->cur_altsetting->desc.bInterfaceNumber, NULL, 0, 0);
	usb_clear_halt(us->udev, us->recv_pipe);
	usb_clear_halt(us->udev, us->send_pipe);
}

static int bulk(struct us_data *us, unsigned int pipe, void *buf, unsigned int len, int *actual)
{
	int ret = usb_bulk_msg(us->udev, pipe, buf, (int)len, actual, US_TIMEOUT_MS);

	if (ret == -EPIPE)
		usb_clear_halt(us->udev, pipe);
	return ret;
}

static int send_cbw(struct us_data *us, const u8 *cdb, unsigned int cdb_len, unsigned int len,
		    bool in)
{
	int actual, ret;

	memset(us->cbw, 0, CBW_LEN);
	put_le32(us->cbw, CBW_SIGNATURE);
	put_le32(us->cbw + 4, ++us->tag);
	put_le32(us->cbw + 8, len);
	us->cbw[12] = in ? USB_DIR_IN : 0;
	us->cbw[14] = (u8)cdb_len;
	memcpy(us->cbw + 15, cdb, cdb_len);
	ret = bulk(us, us->send_pipe, us->cbw, CBW_LEN, &actual);
	if (!ret && actual != CBW_LEN)
		ret = -EIO;
	return ret;
}

/* The CSW, read twice if the first read stalls (BOT 6.7.2). */
static int read_csw(struct us_data *us)
{
	int actual = 0, ret = bulk(us, us->recv_pipe, us->csw, CSW_LEN, &actual);

	if (ret == -EPIPE)
		ret = bulk(us, us->recv_pipe, us->csw, CSW_LEN, &actual);
	if (ret)
		return ret;
	if (actual != CSW_LEN || get_le32(us->csw) != CSW_SIGNATURE ||
	    get_le32(us->csw + 4) != us->tag || us->csw[12] > CSW_FAILED) {
		pr_err("usb-storage %s: bad status wrapper (status %u): reset\n",
		       dev_name(&us->intf->dev), us->csw[12]);
		return -EPROTO;
	}
	return us->csw[12] == CSW_GOOD ? 0 : -EIO;
}

int us_transport(struct us_data *us, const u8 *cdb, unsigned int cdb_len, void *data,
		 unsigned int len, bool in)
{
	int actual = 0, ret = send_cbw(us, cdb, cdb_len, len, in);

	if (ret)
		goto out_reset;
	if (len) {
		if (!in)
			memcpy(us->bounce, data, len);
		ret = bulk(us, in ? us->recv_pipe : us->send_pipe, us->bounce, len, &actual);
		if (ret && ret != -EPIPE)
			goto out_reset;
		if (in)
			memcpy(data, us->bounce, (size_t)actual);
	}
	ret = read_csw(us);
	if (ret == 0)
		return actual;
	if (ret == -EIO)
		return ret;
out_reset:
	if (ret != -ENODEV && ret != -ESHUTDOWN)
		reset_recovery(us);
	return ret;
}
