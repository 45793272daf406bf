/*
 * usb-storage.ko: USB mass storage devices speaking SCSI over the bulk-only transport
 * (interface class 8, subclass 6, protocol 0x50: sticks, card readers, QEMU's usb-storage),
 * registered as block devices sdX (the first name AHCI disks have not taken) with their
 * partitions. Unplugging unregisters them.
 */
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/module.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "storage.h"

#define US_SC_SCSI 0x06
#define US_PR_BULK 0x50
#define SD_NAMES 16

static void us_free(struct us_data *us)
{
	kfree(us->cbw);
	kfree(us->csw);
	if (us->bounce)
		free_pages(us->bounce, US_BOUNCE_ORDER);
	kfree(us);
}

static int find_endpoints(struct us_data *us)
{
	struct usb_host_interface *alt = us->intf->cur_altsetting;
	int in = 0, out = 0;

	for (unsigned int i = 0; i < alt->desc.bNumEndpoints; i++) {
		const struct usb_endpoint_descriptor *d = &alt->endpoint[i].desc;

		if (usb_endpoint_type(d) != USB_ENDPOINT_XFER_BULK)
			continue;
		if (usb_endpoint_dir_in(d) && !in)
			in = usb_endpoint_num(d);
		else if (!usb_endpoint_dir_in(d) && !out)
			out = usb_endpoint_num(d);
	}
	if (!in || !out) {
		pr_err("usb-storage %s: no bulk IN and OUT endpoints\n", dev_name(&us->intf->dev));
		return -EINVAL;
	}
	us->recv_pipe = usb_rcvbulkpipe(us->udev, in);
	us->send_pipe = usb_sndbulkpipe(us->udev, out);
	return 0;
}

static struct us_data *us_alloc(struct usb_interface *intf)
{
	struct us_data *us = kzalloc(sizeof(*us), GFP_KERNEL);

	if (!us)
		return NULL;
	us->intf = intf;
	us->udev = interface_to_usbdev(intf);
	mutex_init(&us->lock);
	us->cbw = kzalloc(32, GFP_KERNEL);
	us->csw = kzalloc(16, GFP_KERNEL);
	us->bounce = alloc_pages(US_BOUNCE_ORDER);
	if (!us->cbw || !us->csw || !us->bounce) {
		us_free(us);
		return NULL;
	}
	return us;
}

/* sda, sdb...: the first name the block layer does not have yet (AHCI disks share them). */
static int us_register_disk(struct us_data *us)
{
	int ret = -EEXIST;

	us->bdev.owner = THIS_MODULE;
	us->bdev.private_data = us;
	us->bdev.ops = &us_bdev_ops;
	for (int i = 0; i < SD_NAMES && ret == -EEXIST; i++) {
		snprintf(us->bdev.name, sizeof(us->bdev.name), "sd%c", 'a' + i);
		ret = blkdev_register(&us->bdev);
	}
	if (ret)
		pr_err("usb-storage %s: not registered as a block device (%d)\n",
		       dev_name(&us->intf->dev), ret);
	return ret;
}

static int us_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct us_data *us = us_alloc(intf);
	int ret;

	(void)id;
	if (!us)
		return -ENOMEM;
	ret = find_endpoints(us);
	if (!ret)
		ret = us_scsi_setup(us);
	if (!ret)
		ret = us_register_disk(us);
	if (ret) {
		us_free(us);
		return ret;
	}
	pr_info("usb-storage %s: %s: \"%s\", %llu blocks of %u bytes (%llu MiB)\n",
		dev_name(&intf->dev), us->bdev.name, us->bdev.model,
		(unsigned long long)us->bdev.nr_sectors, us->bdev.sector_size,
		(unsigned long long)((us->bdev.nr_sectors * us->bdev.sector_size) >> 20));
	usb_set_intfdata(intf, us);
	return 0;
}

static void us_disconnect(struct usb_interface *intf)
{
	struct us_data *us = usb_get_intfdata(intf);

	blkdev_unregister(&us->bdev);
	us_free(us);
}

static const struct usb_device_id us_ids[] = {
	{ USB_INTERFACE_INFO(USB_CLASS_MASS_STORAGE, US_SC_SCSI, US_PR_BULK) },
	{ }
};
MODULE_DEVICE_TABLE(usb, us_ids);

static struct usb_driver us_driver = {
	.name = "usb-storage",
	.id_table = us_ids,
	.probe = us_probe,
	.disconnect = us_disconnect,
};

static int __init us_init(void)
{
	return usb_register(&us_driver);
}

static void __exit us_exit(void)
{
	usb_deregister(&us_driver);
}

module_init(us_init);
module_exit(us_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("USB mass storage: SCSI over the bulk-only transport, as sdX block devices");
