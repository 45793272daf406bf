/*
 * The device model (kernel/dev/): buses, the devices found on them and the drivers that bind
 * to those devices, after Linux's driver core.
 *
 * A bus (struct bus_type) says whether a driver fits a device (match) and may wrap probe and
 * remove. Registering a driver probes it against every unbound device of its bus at once;
 * registering a device tries every driver of its bus. A failed probe leaves the device unbound.
 * driver_unregister() and device_unregister() unbind (remove) first.
 *
 * Lifetime: device_register() holds one reference; get_device()/put_device() add and drop
 * others. When the last one goes, dev->release() frees the device. A reference held by anyone
 * but the registration means "in use": driver_in_use()/driver_module_in_use() report it, so the
 * module loader can refuse to unload a driver whose devices another module still uses.
 *
 * Autoloading: the bus's modalias() gives a device's Linux-format alias string; when a device
 * is added and no registered driver takes it, the uevent hook (device_set_uevent_hook) is
 * called with it, so the kernel can load a module whose alias pattern matches.
 *
 * All calls run in thread context on the one CPU (the shell, module init/exit); none are made
 * from interrupt handlers, so the lists need no lock.
 */
#ifndef KEEL_DEVICE_H
#define KEEL_DEVICE_H

#include <keel/compiler.h>
#include <keel/dev_printk.h> /* dev_err, dev_info... */
#include <keel/types.h>

struct device;
struct device_driver;
struct module;

#define DEVICE_NAME_MAX 32
#define MODALIAS_MAX 128

struct bus_type {
	const char *name;
	struct module *owner; /* the module that registers the bus and its devices; NULL: built in */
	/* Non-zero when drv can drive dev. Required. */
	int (*match)(struct device *dev, struct device_driver *drv);
	/* Optional: replace the driver's own probe/remove (a bus translating to its own types). */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
	/* Optional: writes the device's modalias into buf; its length or a negative errno. */
	int (*modalias)(struct device *dev, char *buf, size_t size);

	/* Private to the device model. */
	struct device *devices;        /* in registration order */
	struct device_driver *drivers; /* in registration order */
	struct bus_type *next;
};

struct device {
	char name[DEVICE_NAME_MAX]; /* unique on its bus, e.g. "0000:00:01.1" */
	struct bus_type *bus;
	struct device_driver *driver; /* bound driver, NULL when unbound */
	struct device *parent;        /* e.g. the bridge a PCI device sits behind; may be NULL */
	void *driver_data;            /* the bound driver's, cleared on unbind */
	void (*release)(struct device *dev); /* frees the device after its last put_device() */

	/* Private to the device model. */
	int refcount;
	bool registered;
	struct device *bus_next;
};

struct device_driver {
	const char *name;
	struct bus_type *bus;
	struct module *owner; /* THIS_MODULE of the driver's module; NULL when built in */
	/* 0 when the driver took the device; -ENODEV/-ENXIO say "not mine" without a message. */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);

	/* Private to the device model. */
	bool registered;
	struct device_driver *bus_next;
};

int bus_register(struct bus_type *bus);      /* 0, -EINVAL, -EEXIST */
/* Unregister devices and drivers first; any left are detached with a warning. */
void bus_unregister(struct bus_type *bus);
struct bus_type *bus_find(const char *name);

/* dev->bus and the name must be set (dev_set_name); the rest zeroed. 0 or -errno. */
int device_register(struct device *dev);
void device_unregister(struct device *dev); /* unbinds, then drops the registration's reference */
struct device *get_device(struct device *dev);
void put_device(struct device *dev);
int dev_set_name(struct device *dev, const char *fmt, ...) __printf(2, 3);
static inline const char *dev_name(const struct device *dev) { return dev->name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
/* The device's modalias: its length, or -ENODATA when its bus has none. */
int device_modalias(struct device *dev, char *buf, size_t size);

int driver_register(struct device_driver *drv);  /* 0, -EINVAL, -EEXIST; probe failures are not errors */
void driver_unregister(struct device_driver *drv); /* removes it from all its devices */
/* True when a device bound to drv is referenced by anything but its registration. */
bool driver_in_use(struct device_driver *drv);
/* The same for every driver whose owner is mod, and for the devices of every bus whose owner is
 * mod (referenced by anything but their registration): the loader's "can mod go?" check. */
bool driver_module_in_use(struct module *mod);

/* Calls fn for each device of bus (NULL: all buses) until fn returns non-zero, which is
 * returned. fn must not unregister devices. */
int bus_for_each_dev(struct bus_type *bus, int (*fn)(struct device *dev, void *data), void *data);
/* Tries the bus's drivers again on an unbound device; 1 when bound, 0 when not, or -errno. */
int device_attach(struct device *dev);

/*
 * Called when a device with a modalias is registered and no driver took it (Linux's "add"
 * uevent). The hook runs inside device_register(), possibly inside a module's init function:
 * a loader that cannot nest module loads should queue the modalias and load after the current
 * init returns. Pass NULL to remove the hook. Coldplug (devices added before the hook was set)
 * is bus_for_each_dev() over the unbound devices.
 */
typedef int (*device_uevent_hook_t)(struct device *dev, const char *modalias);
void device_set_uevent_hook(device_uevent_hook_t hook);

#endif
