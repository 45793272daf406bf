/* usb-storage.ko's pieces: the bulk-only transport and the SCSI commands on top of it. */
#ifndef USB_STORAGE_STORAGE_H
#define USB_STORAGE_STORAGE_H

#include <keel/blkdev.h>
#include <keel/mutex.h>
#include <keel/usb.h>

#define US_BOUNCE_ORDER 4                       /* 64 KiB: the most one command moves */
#define US_BOUNCE_SIZE (4096u << US_BOUNCE_ORDER)

struct us_data {
	struct usb_interface *intf;
	struct usb_device *udev;
	unsigned int send_pipe, recv_pipe;
	struct mutex lock;     /* one command at a time */
	u32 tag;
	u8 *cbw, *csw;         /* DMA-able command and status wrappers */
	u8 *bounce;            /* data stage */
	u8 sense_key, asc, ascq;
	struct block_device bdev;
	bool registered;
};

/* transport.c: one command (cdb, len bytes of data in direction in); the bytes moved, -EIO
 * when the device reported CHECK CONDITION (sense not read yet), other -errno on transport
 * errors (after reset recovery). Caller holds us->lock. */
int us_transport(struct us_data *us, const u8 *cdb, unsigned int cdb_len, void *data,
		 unsigned int len, bool in);

/* scsi.c */
int us_scsi_setup(struct us_data *us);
extern const struct block_device_operations us_bdev_ops;

#endif
