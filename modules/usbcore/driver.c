/*
 * The "usb" bus of the device model: one device per interface of a configured USB device,
 * ID-table matching (Linux's usb_match_one_id rules), probe/disconnect through struct
 * usb_driver, and the modalias autoloading looks up in modules.alias.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "usbcore.h"

DEFINE_MUTEX(usb_bus_lock);

static bool id_matches_device(const struct usb_device_id *id, const struct usb_device *udev)
{
	const struct usb_device_descriptor *d = &udev->descriptor;
	u16 f = id->match_flags;

	return !((f & USB_DEVICE_ID_MATCH_VENDOR) && id->idVendor != d->idVendor) &&
	       !((f & USB_DEVICE_ID_MATCH_PRODUCT) && id->idProduct != d->idProduct) &&
	       !((f & USB_DEVICE_ID_MATCH_DEV_LO) && id->bcdDevice_lo > d->bcdDevice) &&
	       !((f & USB_DEVICE_ID_MATCH_DEV_HI) && id->bcdDevice_hi < d->bcdDevice) &&
	       !((f & USB_DEVICE_ID_MATCH_DEV_CLASS) && id->bDeviceClass != d->bDeviceClass) &&
	       !((f & USB_DEVICE_ID_MATCH_DEV_SUBCLASS) &&
		 id->bDeviceSubClass != d->bDeviceSubClass) &&
	       !((f & USB_DEVICE_ID_MATCH_DEV_PROTOCOL) &&
		 id->bDeviceProtocol != d->bDeviceProtocol);
}

static bool id_matches_interface(const struct usb_device_id *id,
				 const struct usb_interface_descriptor *d)
{
	u16 f = id->match_flags;

	return !((f & USB_DEVICE_ID_MATCH_INT_CLASS) && id->bInterfaceClass != d->bInterfaceClass) &&
	       !((f & USB_DEVICE_ID_MATCH_INT_SUBCLASS) &&
		 id->bInterfaceSubClass != d->bInterfaceSubClass) &&
	       !((f & USB_DEVICE_ID_MATCH_INT_PROTOCOL) &&
		 id->bInterfaceProtocol != d->bInterfaceProtocol) &&
	       !((f & USB_DEVICE_ID_MATCH_INT_NUMBER) &&
		 id->bInterfaceNumber != d->bInterfaceNumber);
}

static const struct usb_device_id *usb_match_id(struct usb_interface *intf,
						const struct usb_device_id *ids)
{
	for (; ids && ids->match_flags; ids++)
		if (id_matches_device(ids, intf->usb_dev) &&
		    id_matches_interface(ids, &intf->cur_altsetting->desc))
			return ids;
	return NULL;
}

static int usb_bus_match(struct device *dev, struct device_driver *drv)
{
	return usb_match_id(to_usb_interface(dev), to_usb_driver(drv)->id_table) != NULL;
}

static int usb_bus_probe(struct device *dev)
{
	struct usb_interface *intf = to_usb_interface(dev);
	struct usb_driver *drv = to_usb_driver(dev->driver);
	const struct usb_device_id *id = usb_match_id(intf, drv->id_table);

	if (!id || !drv->probe || intf->usb_dev->gone)
		return -ENODEV;
	return drv->probe(intf, id);
}

static void usb_bus_remove(struct device *dev)
{
	struct usb_driver *drv = to_usb_driver(dev->driver);

	if (drv->disconnect)
		drv->disconnect(to_usb_interface(dev));
}

/* Linux's usb_uevent MODALIAS: per interface, device fields from the device descriptor. */
int usb_interface_modalias(struct usb_interface *intf, char *buf, size_t size)
{
	const struct usb_device_descriptor *d = &intf->usb_dev->descriptor;
	const struct usb_interface_descriptor *i = &intf->cur_altsetting->desc;

	return snprintf(buf, size, "usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02Xin%02X",
			d->idVendor, d->idProduct, d->bcdDevice, d->bDeviceClass,
			d->bDeviceSubClass, d->bDeviceProtocol, i->bInterfaceClass,
			i->bInterfaceSubClass, i->bInterfaceProtocol, i->bInterfaceNumber);
}

static int usb_bus_modalias(struct device *dev, char *buf, size_t size)
{
	return usb_interface_modalias(to_usb_interface(dev), buf, size);
}

struct bus_type usb_bus_type = {
	.name = "usb",
	.match = usb_bus_match,
	.probe = usb_bus_probe,
	.remove = usb_bus_remove,
	.modalias = usb_bus_modalias,
};

int usb_register_driver(struct usb_driver *drv, struct module *owner)
{
	int ret;

	if (!drv || !drv->name || !drv->id_table)
		return -EINVAL;
	memset(&drv->driver, 0, sizeof(drv->driver));
	drv->driver.name = drv->name;
	drv->driver.bus = &usb_bus_type;
	drv->driver.owner = owner;
	mutex_lock(&usb_bus_lock);
	ret = driver_register(&drv->driver);
	mutex_unlock(&usb_bus_lock);
	if (!ret)
		pr_info("usbcore: registered new interface driver %s\n", drv->name);
	return ret;
}
EXPORT_SYMBOL_GPL(usb_register_driver);

void usb_deregister(struct usb_driver *drv)
{
	if (!drv)
		return;
	mutex_lock(&usb_bus_lock);
	driver_unregister(&drv->driver);
	mutex_unlock(&usb_bus_lock);
	pr_info("usbcore: deregistering interface driver %s\n", drv->name);
}
EXPORT_SYMBOL_GPL(usb_deregister);

static void usb_interface_release(struct device *dev)
{
	kfree(to_usb_interface(dev));
}

static int usb_register_interface(struct usb_device *udev, struct usb_host_interface *alt)
{
	struct usb_interface *intf = kzalloc(sizeof(*intf), GFP_KERNEL);
	int ret;

	if (!intf)
		return -ENOMEM;
	intf->cur_altsetting = alt;
	intf->usb_dev = udev;
	intf->dev.bus = &usb_bus_type;
	intf->dev.release = usb_interface_release;
	dev_set_name(&intf->dev, "%d-%s:%u.%u", udev->bus->busnum, udev->devpath,
		     udev->actconfig->desc.bConfigurationValue, alt->desc.bInterfaceNumber);
	ret = device_register(&intf->dev);
	if (ret) {
		kfree(intf);
		return ret;
	}
	intf->registered = true;
	udev->intf[alt - udev->actconfig->intf] = intf;
	return 0;
}

/*
 * Registers every interface; usb_bus_lock held. The modaliases of interfaces no driver took
 * go to aliases[] (USB_MAXINTERFACES entries, *n used) for the caller to request_module() once the
 * lock is dropped.
 */
int usb_register_interfaces(struct usb_device *udev, char (*aliases)[MODALIAS_MAX], unsigned int *n)
{
	struct usb_host_config *cfg = udev->actconfig;
	int ret;

	*n = 0;
	for (unsigned int i = 0; i < cfg->num_interfaces; i++) {
		ret = usb_register_interface(udev, &cfg->intf[i]);
		if (ret) {
			pr_err("usb %d-%s: interface %u not registered: %s\n", udev->bus->busnum,
			       udev->devpath, i, errno_name(-ret));
			continue;
		}
		if (!udev->intf[i]->dev.driver)
			usb_interface_modalias(udev->intf[i], aliases[(*n)++], MODALIAS_MAX);
	}
	return 0;
}

void usb_unregister_interfaces(struct usb_device *udev)
{
	if (!udev->actconfig)
		return;
	for (unsigned int i = udev->actconfig->num_interfaces; i-- > 0;) {
		struct usb_interface *intf = udev->intf[i];

		if (intf) {
			udev->intf[i] = NULL;
			device_unregister(&intf->dev);
		}
	}
}
