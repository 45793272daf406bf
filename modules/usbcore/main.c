/*
 * usbcore.ko: the USB device model. Host controller drivers (xhci.ko) register their bus with
 * usb_add_hcd(); the hub thread enumerates what is plugged into root and external hub ports;
 * each interface becomes a device on the "usb" bus, bound to drivers registered with
 * usb_register() or autoloaded by modalias. Adds the lsusb command.
 */
#include <keel/module.h>
#include "usbcore.h"

static int __init usbcore_init(void)
{
	int ret;

	usb_bus_type.owner = THIS_MODULE;
	ret = bus_register(&usb_bus_type);
	if (ret)
		return ret;
	ret = usb_hub_driver_register();
	if (ret)
		goto out_bus;
	ret = usb_hub_thread_start();
	if (ret)
		goto out_hub_driver;
	ret = usb_lsusb_register();
	if (ret)
		goto out_thread;
	return 0;

out_thread:
	usb_hub_thread_stop();
out_hub_driver:
	usb_hub_driver_unregister();
out_bus:
	bus_unregister(&usb_bus_type);
	return ret;
}

static void __exit usbcore_exit(void)
{
	usb_lsusb_unregister();
	usb_hub_thread_stop();
	usb_hub_driver_unregister();
	bus_unregister(&usb_bus_type);
}

module_init(usbcore_init);
module_exit(usbcore_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("USB core: enumeration, hubs, URBs, the usb bus and lsusb");
