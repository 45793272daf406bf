/*
 * The device model: buses, devices and drivers, binding them by the bus's match(), and the
 * reference counts that tell the module loader a driver's devices are still in use.
 * See keel/device.h for the rules.
 */
#include <keel/bug.h>
#include <keel/device.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/string.h>

static struct bus_type *buses;
static device_uevent_hook_t uevent_hook;

struct bus_type *bus_find(const char *name)
{
	struct bus_type *bus;

	for (bus = buses; bus; bus = bus->next)
		if (strcmp(bus->name, name) == 0)
			return bus;
	return NULL;
}
EXPORT_SYMBOL_GPL(bus_find);

static bool bus_is_registered(const struct bus_type *bus)
{
	const struct bus_type *b;

	for (b = buses; b; b = b->next)
		if (b == bus)
			return true;
	return false;
}

int bus_register(struct bus_type *bus)
{
	if (!bus || !bus->name || !bus->match)
		return -EINVAL;
	if (bus_find(bus->name)) {
		pr_err("device: bus \"%s\" is already registered\n", bus->name);
		return -EEXIST;
	}
	bus->devices = NULL;
	bus->drivers = NULL;
	bus->next = buses;
	buses = bus;
	return 0;
}
EXPORT_SYMBOL_GPL(bus_register);

void bus_unregister(struct bus_type *bus)
{
	struct bus_type **link;

	if (!bus || !bus_is_registered(bus))
		return;
	if (bus->devices || bus->drivers)
		pr_warn("device: bus \"%s\" unregistered with devices or drivers left\n", bus->name);
	while (bus->drivers)
		driver_unregister(bus->drivers);
	while (bus->devices)
		device_unregister(bus->devices);
	for (link = &buses; *link; link = &(*link)->next) {
		if (*link == bus) {
			*link = bus->next;
			break;
		}
	}
	bus->next = NULL;
}
EXPORT_SYMBOL_GPL(bus_unregister);

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(dev->name, sizeof(dev->name), fmt, ap);
	va_end(ap);
	return len < (int)sizeof(dev->name) ? 0 : -ENAMETOOLONG;
}
EXPORT_SYMBOL_GPL(dev_set_name);

struct device *get_device(struct device *dev)
{
	if (dev)
		dev->refcount++;
	return dev;
}
EXPORT_SYMBOL_GPL(get_device);

void put_device(struct device *dev)
{
	if (!dev)
		return;
	if (WARN_ON(dev->refcount <= 0))
		return;
	if (--dev->refcount == 0 && dev->release)
		dev->release(dev);
}
EXPORT_SYMBOL_GPL(put_device);

int device_modalias(struct device *dev, char *buf, size_t size)
{
	if (!dev->bus || !dev->bus->modalias || size == 0)
		return -ENODATA;
	return dev->bus->modalias(dev, buf, size);
}
EXPORT_SYMBOL_GPL(device_modalias);

const char *dev_driver_string(const struct device *dev)
{
	const struct device_driver *drv = READ_ONCE(dev->driver);

	if (drv)
		return drv->name;
	return dev->bus ? dev->bus->name : "";
}
EXPORT_SYMBOL(dev_driver_string);

/* ---- Binding ---- */

/*
 * probe and remove run in task context and may sleep: the driver's module is pinned for the
 * call, so rmmod of it meanwhile is refused. A driver whose module is going away takes no new
 * device (-ENODEV, as a declined probe); remove still runs for one it holds, since its exit is
 * what unbinds it.
 */
static int really_probe(struct device *dev, struct device_driver *drv)
{
	int ret = 0;

	if (!try_module_get(drv->owner))
		return -ENODEV;
	dev->driver = drv;
	if (dev->bus->probe)
		ret = dev->bus->probe(dev);
	else if (drv->probe)
		ret = drv->probe(dev);
	module_put(drv->owner);
	if (ret == 0)
		return 1;
	dev->driver = NULL;
	dev->driver_data = NULL;
	if (ret != -ENODEV && ret != -ENXIO)
		pr_warn("%s: probe of %s failed with error %d (%s)\n", drv->name, dev->name, ret,
			errno_name(-ret));
	return ret;
}

/* 1 when drv took dev, 0 when it does not match or declined, -errno otherwise. */
static int driver_probe_device(struct device_driver *drv, struct device *dev)
{
	int ret;

	if (dev->driver || !dev->bus->match(dev, drv))
		return 0;
	ret = really_probe(dev, drv);
	return (ret == -ENODEV || ret == -ENXIO) ? 0 : ret;
}

static void device_release_driver(struct device *dev)
{
	struct device_driver *drv = dev->driver;

	if (!drv)
		return;
	__module_get(drv->owner);
	if (dev->bus->remove)
		dev->bus->remove(dev);
	else if (drv->remove)
		drv->remove(dev);
	module_put(drv->owner);
	dev->driver = NULL;
	dev->driver_data = NULL;
}

int device_attach(struct device *dev)
{
	struct device_driver *drv;
	int ret, last = 0;

	if (!dev->registered)
		return -EINVAL;
	if (dev->driver)
		return 1;
	for (drv = dev->bus->drivers; drv; drv = drv->bus_next) {
		ret = driver_probe_device(drv, dev);
		if (ret == 1)
			return 1;
		if (ret < 0)
			last = ret;
	}
	return last;
}
EXPORT_SYMBOL_GPL(device_attach);

/* ---- Devices ---- */

static void device_send_uevent(struct device *dev)
{
	char alias[MODALIAS_MAX];
	int len;

	if (!uevent_hook || dev->driver)
		return;
	len = device_modalias(dev, alias, sizeof(alias));
	if (len > 0 && len < (int)sizeof(alias))
		uevent_hook(dev, alias);
}

static bool bus_has_device_named(struct bus_type *bus, const char *name)
{
	struct device *d;

	for (d = bus->devices; d; d = d->bus_next)
		if (strcmp(d->name, name) == 0)
			return true;
	return false;
}

int device_register(struct device *dev)
{
	struct device **link;

	if (!dev || !dev->bus || !dev->name[0] || dev->registered)
		return -EINVAL;
	if (!bus_is_registered(dev->bus)) {
		pr_err("device: %s: bus \"%s\" is not registered\n", dev->name, dev->bus->name);
		return -EINVAL;
	}
	if (bus_has_device_named(dev->bus, dev->name)) {
		pr_err("device: %s: already on bus \"%s\"\n", dev->name, dev->bus->name);
		return -EEXIST;
	}
	dev->refcount = 1;
	dev->registered = true;
	dev->driver = NULL;
	dev->bus_next = NULL;
	for (link = &dev->bus->devices; *link; link = &(*link)->bus_next)
		;
	*link = dev;
	device_attach(dev);
	device_send_uevent(dev);
	return 0;
}
EXPORT_SYMBOL_GPL(device_register);

void device_unregister(struct device *dev)
{
	struct device **link;

	if (!dev || !dev->registered)
		return;
	device_release_driver(dev);
	for (link = &dev->bus->devices; *link; link = &(*link)->bus_next) {
		if (*link == dev) {
			*link = dev->bus_next;
			break;
		}
	}
	dev->bus_next = NULL;
	dev->registered = false;
	put_device(dev);
}
EXPORT_SYMBOL_GPL(device_unregister);

int bus_for_each_dev(struct bus_type *bus, int (*fn)(struct device *dev, void *data), void *data)
{
	struct bus_type *b;
	struct device *dev;
	int ret;

	for (b = bus ? bus : buses; b; b = bus ? NULL : b->next) {
		for (dev = b->devices; dev; dev = dev->bus_next) {
			ret = fn(dev, data);
			if (ret)
				return ret;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(bus_for_each_dev);

void device_set_uevent_hook(device_uevent_hook_t hook)
{
	uevent_hook = hook;
}

/* ---- Drivers ---- */

static bool bus_has_driver_named(struct bus_type *bus, const char *name)
{
	struct device_driver *d;

	for (d = bus->drivers; d; d = d->bus_next)
		if (strcmp(d->name, name) == 0)
			return true;
	return false;
}

static void driver_attach(struct device_driver *drv)
{
	struct device *dev;

	for (dev = drv->bus->devices; dev; dev = dev->bus_next)
		driver_probe_device(drv, dev);
}

int driver_register(struct device_driver *drv)
{
	struct device_driver **link;

	if (!drv || !drv->name || !drv->bus || drv->registered)
		return -EINVAL;
	if (!bus_is_registered(drv->bus)) {
		pr_err("device: driver %s: bus \"%s\" is not registered\n", drv->name,
		       drv->bus->name);
		return -EINVAL;
	}
	if (bus_has_driver_named(drv->bus, drv->name)) {
		pr_err("device: driver %s is already registered on bus \"%s\"\n", drv->name,
		       drv->bus->name);
		return -EEXIST;
	}
	drv->registered = true;
	drv->bus_next = NULL;
	for (link = &drv->bus->drivers; *link; link = &(*link)->bus_next)
		;
	*link = drv;
	driver_attach(drv);
	return 0;
}
EXPORT_SYMBOL_GPL(driver_register);

void driver_unregister(struct device_driver *drv)
{
	struct device_driver **link;
	struct device *dev;

	if (!drv || !drv->registered)
		return;
	for (dev = drv->bus->devices; dev; dev = dev->bus_next)
		if (dev->driver == drv)
			device_release_driver(dev);
	for (link = &drv->bus->drivers; *link; link = &(*link)->bus_next) {
		if (*link == drv) {
			*link = drv->bus_next;
			break;
		}
	}
	drv->bus_next = NULL;
	drv->registered = false;
}
EXPORT_SYMBOL_GPL(driver_unregister);

bool driver_in_use(struct device_driver *drv)
{
	struct device *dev;

	if (!drv || !drv->registered)
		return false;
	for (dev = drv->bus->devices; dev; dev = dev->bus_next)
		if (dev->driver == drv && dev->refcount > 1)
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(driver_in_use);

static bool bus_devices_in_use(struct bus_type *bus)
{
	struct device *dev;

	for (dev = bus->devices; dev; dev = dev->bus_next)
		if (dev->refcount > 1)
			return true;
	return false;
}

bool driver_module_in_use(struct module *mod)
{
	struct bus_type *bus;
	struct device_driver *drv;

	if (!mod)
		return false;
	for (bus = buses; bus; bus = bus->next) {
		if (bus->owner == mod && bus_devices_in_use(bus))
			return true;
		for (drv = bus->drivers; drv; drv = drv->bus_next)
			if (drv->owner == mod && driver_in_use(drv))
				return true;
	}
	return false;
}
