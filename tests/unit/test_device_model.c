/* Host test of the device model: matching, probe order, failed probes, unbinding, references,
 * the uevent hook and the loader's in-use checks. */
/* UNIT_SOURCES: kernel/dev/device.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <keel/device.h>
#include <keel/errno.h>
#include <keel/string.h>
#include "host_bug.h"
#include "unit.h"


static int messages;
static char last_msg[256]; /* the last printk, formatted by libk, for dev_printk's format */

int printk(const char *fmt, ...)
{
	va_list ap;

	messages++;
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	printf("%s", last_msg);
	return 0;
}

/* A bus whose devices and drivers match when the device name starts with the driver name. */
static int test_match(struct device *dev, struct device_driver *drv)
{
	return strncmp(dev->name, drv->name, strlen(drv->name)) == 0;
}

static int test_modalias(struct device *dev, char *buf, size_t size)
{
	return snprintf(buf, size, "test:%s", dev->name);
}

static struct bus_type test_bus = { .name = "test", .match = test_match,
				    .modalias = test_modalias };

/* Probe log: which driver probed/removed what, and what probe should answer. */
static char log_buf[512];
static int probe_result;

static void log_event(const char *what, struct device *dev)
{
	size_t len = strlen(log_buf);

	snprintf(log_buf + len, sizeof(log_buf) - len, "%s:%s:%s ", what, dev->driver->name,
		 dev->name);
}

static int test_probe(struct device *dev)
{
	log_event("probe", dev);
	if (probe_result == 0)
		dev_set_drvdata(dev, dev);
	return probe_result;
}

static void test_remove(struct device *dev)
{
	log_event("remove", dev);
	CHECK(dev_get_drvdata(dev) == dev);
}

static int released;

static void release_device(struct device *dev)
{
	released++;
	free(dev);
}

static struct device *new_device(const char *name)
{
	struct device *dev = calloc(1, sizeof(*dev));

	dev->bus = &test_bus;
	dev->release = release_device;
	CHECK(dev_set_name(dev, "%s", name) == 0);
	return dev;
}

static bool log_is(const char *expected)
{
	bool same = strcmp(log_buf, expected) == 0;

	if (!same)
		printf("  log \"%s\", expected \"%s\"\n", log_buf, expected);
	log_buf[0] = '\0';
	return same;
}

static void test_registration_errors(void)
{
	struct bus_type dup = { .name = "test", .match = test_match };
	struct bus_type nomatch = { .name = "other" };
	struct device_driver drv = { .name = "x", .bus = &dup };
	struct device *dev = new_device("x0");

	CHECK(bus_register(&dup) == -EEXIST);
	CHECK(bus_register(&nomatch) == -EINVAL);
	CHECK(bus_find("test") == &test_bus);
	CHECK(bus_find("other") == NULL);
	CHECK(driver_register(&drv) == -EINVAL); /* its bus is not registered */
	dev->bus = &dup;
	CHECK(device_register(dev) == -EINVAL);
	dev->bus = &test_bus;
	dev->name[0] = '\0';
	CHECK(device_register(dev) == -EINVAL);
	CHECK(dev_set_name(dev, "%s", "a-name-much-longer-than-thirty-two-bytes") ==
	      -ENAMETOOLONG);
	free(dev);
}

static void test_driver_then_device(void)
{
	struct device_driver drv = { .name = "net", .bus = &test_bus, .probe = test_probe,
				     .remove = test_remove };
	struct device_driver dup = { .name = "net", .bus = &test_bus };
	struct device *a = new_device("net0"), *b = new_device("disk0");

	CHECK(driver_register(&drv) == 0);
	CHECK(driver_register(&dup) == -EEXIST);
	CHECK(device_register(a) == 0);
	CHECK(device_register(b) == 0);
	CHECK(a->driver == &drv && b->driver == NULL);
	CHECK(log_is("probe:net:net0 "));
	CHECK(device_register(a) == -EINVAL); /* twice */
	driver_unregister(&drv);
	CHECK(log_is("remove:net:net0 "));
	CHECK(a->driver == NULL && a->driver_data == NULL);
	device_unregister(a);
	device_unregister(b);
	CHECK(released == 2);
	released = 0;
}

/* dev_printk: "<driver> <device>: ", the bus's name while no driver is bound. */
static void test_dev_printk(void)
{
	struct device_driver drv = { .name = "net", .bus = &test_bus, .probe = test_probe,
				     .remove = test_remove };
	struct device *a = new_device("net0");
	struct device *null_dev = NULL;

	dev_err(a, "unbound %d\n", 1);
	CHECK_STR(last_msg, KERN_ERR "test net0: unbound 1\n");
	CHECK(device_register(a) == 0);
	CHECK(driver_register(&drv) == 0);
	dev_info(a, "bound\n");
	CHECK_STR(last_msg, KERN_INFO "net net0: bound\n");
	dev_dbg(a, "x=%s\n", "y");
	CHECK_STR(last_msg, KERN_DEBUG "net net0: x=y\n");
	dev_warn(null_dev, "nothing\n");
	CHECK_STR(last_msg, KERN_WARNING "(NULL device *): nothing\n");
	CHECK_STR(dev_driver_string(a), "net");
	driver_unregister(&drv);
	CHECK_STR(dev_driver_string(a), "test");
	device_unregister(a);
	log_buf[0] = '\0';
	CHECK(released == 1);
	released = 0;
}

static void test_device_then_driver_and_failed_probe(void)
{
	struct device_driver drv = { .name = "disk", .bus = &test_bus, .probe = test_probe,
				     .remove = test_remove };
	struct device *a = new_device("disk0"), *b = new_device("disk1"), *c = new_device("net9");
	struct device *dup = new_device("disk0");

	CHECK(device_register(a) == 0);
	CHECK(device_register(b) == 0);
	CHECK(device_register(c) == 0);
	CHECK(device_register(dup) == -EEXIST);
	free(dup);
	probe_result = -EIO;
	messages = 0;
	CHECK(driver_register(&drv) == 0); /* probe failures do not fail registration */
	CHECK(log_is("probe:disk:disk0 probe:disk:disk1 "));
	CHECK(messages == 2);
	CHECK(a->driver == NULL && b->driver == NULL && a->driver_data == NULL);
	probe_result = -ENODEV; /* "not mine": quiet */
	messages = 0;
	CHECK(device_attach(a) == 0);
	CHECK(messages == 0 && a->driver == NULL);
	probe_result = 0;
	CHECK(device_attach(a) == 1);
	CHECK(a->driver == &drv && c->driver == NULL);
	CHECK(log_is("probe:disk:disk0 probe:disk:disk0 "));
	device_unregister(a); /* unbinds first */
	CHECK(log_is("remove:disk:disk0 "));
	CHECK(released == 1);
	driver_unregister(&drv);
	CHECK(log_is(""));
	driver_unregister(&drv); /* harmless twice */
	device_unregister(b);
	device_unregister(c);
	CHECK(released == 3);
	released = 0;
}

/* Module references, faked: a module is "going" once rmmod has begun on it. */
struct module {
	bool going;
	int refcnt;
};
static struct module fake_module_storage;
static struct module *const fake_module = &fake_module_storage;

bool try_module_get(struct module *mod)
{
	if (mod && mod->going)
		return false;
	if (mod)
		mod->refcnt++;
	return true;
}

void __module_get(struct module *mod)
{
	if (mod)
		mod->refcnt++;
}

void module_put(struct module *mod)
{
	if (mod)
		mod->refcnt--;
}

static int refs_in_probe, refs_in_remove;

static int pinned_probe(struct device *dev)
{
	refs_in_probe = fake_module->refcnt;
	return test_probe(dev);
}

static void pinned_remove(struct device *dev)
{
	refs_in_remove = fake_module->refcnt;
	test_remove(dev);
}

/* probe and remove run with the driver's module pinned; a going module takes no device. */
static void test_calls_pin_the_driver_module(void)
{
	struct device_driver drv = { .name = "pin", .bus = &test_bus, .probe = pinned_probe,
				     .remove = pinned_remove, .owner = fake_module };
	struct device *a = new_device("pin0"), *b = new_device("pin1");

	CHECK(driver_register(&drv) == 0);
	CHECK(device_register(a) == 0);
	CHECK(a->driver == &drv);
	CHECK(refs_in_probe == 1 && fake_module->refcnt == 0);
	fake_module->going = true; /* rmmod has begun; its exit will unregister the driver */
	CHECK(device_register(b) == 0);
	CHECK(b->driver == NULL);
	CHECK(log_is("probe:pin:pin0 "));
	driver_unregister(&drv); /* the exit: remove still runs for the device it holds */
	CHECK(refs_in_remove == 1 && fake_module->refcnt == 0);
	CHECK(log_is("remove:pin:pin0 "));
	fake_module->going = false;
	device_unregister(a);
	device_unregister(b);
	CHECK(released == 2);
	released = 0;
}

static void test_references_and_in_use(void)
{
	struct device_driver drv = { .name = "usb", .bus = &test_bus, .probe = test_probe,
				     .remove = test_remove, .owner = fake_module };
	struct device *a = new_device("usb0");

	CHECK(driver_register(&drv) == 0);
	CHECK(device_register(a) == 0);
	CHECK(!driver_in_use(&drv) && !driver_module_in_use(fake_module));
	CHECK(get_device(a) == a);
	CHECK(driver_in_use(&drv) && driver_module_in_use(fake_module));
	CHECK(!driver_module_in_use((struct module *)0x2000));
	put_device(a);
	CHECK(!driver_in_use(&drv));
	get_device(a);
	device_unregister(a); /* still referenced: not freed yet */
	CHECK(released == 0);
	CHECK(log_is("probe:usb:usb0 remove:usb:usb0 "));
	put_device(a);
	CHECK(released == 1);
	released = 0;
	driver_unregister(&drv);
	/* The bus's owner: its devices referenced elsewhere keep that module too. */
	test_bus.owner = fake_module;
	a = new_device("usb1");
	CHECK(device_register(a) == 0);
	CHECK(!driver_module_in_use(fake_module));
	get_device(a);
	CHECK(driver_module_in_use(fake_module));
	put_device(a);
	device_unregister(a);
	test_bus.owner = NULL;
	CHECK(released == 1);
	released = 0;
}

static char hook_alias[64];
static int hook_calls;

static int record_uevent(struct device *dev, const char *modalias)
{
	hook_calls++;
	snprintf(hook_alias, sizeof(hook_alias), "%s", modalias);
	return 0;
}

static int count_devices(struct device *dev, void *data)
{
	(*(int *)data)++;
	return 0;
}

static void test_uevent_hook(void)
{
	struct device_driver drv = { .name = "snd", .bus = &test_bus, .probe = test_probe,
				     .remove = test_remove };
	struct device *a = new_device("snd0"), *b = new_device("cam0");
	int count = 0;

	device_set_uevent_hook(record_uevent);
	CHECK(driver_register(&drv) == 0);
	CHECK(device_register(a) == 0); /* taken by a driver: no uevent */
	CHECK(hook_calls == 0);
	CHECK(device_register(b) == 0);
	CHECK(hook_calls == 1 && strcmp(hook_alias, "test:cam0") == 0);
	CHECK(bus_for_each_dev(&test_bus, count_devices, &count) == 0 && count == 2);
	count = 0;
	CHECK(bus_for_each_dev(NULL, count_devices, &count) == 0 && count == 2);
	device_set_uevent_hook(NULL);
	driver_unregister(&drv);
	device_unregister(a);
	device_unregister(b);
	CHECK(log_is("probe:snd:snd0 remove:snd:snd0 "));
	CHECK(released == 2);
	released = 0;
}

static void test_bus_unregister_detaches_leftovers(void)
{
	struct bus_type bus = { .name = "gone", .match = test_match };
	struct device_driver drv = { .name = "g", .bus = &bus, .probe = test_probe,
				     .remove = test_remove };
	struct device *a = new_device("g0");

	a->bus = &bus;
	CHECK(bus_register(&bus) == 0);
	CHECK(driver_register(&drv) == 0);
	CHECK(device_register(a) == 0);
	bus_unregister(&bus);
	CHECK(log_is("probe:g:g0 remove:g:g0 "));
	CHECK(released == 1 && bus_find("gone") == NULL && !drv.registered);
	released = 0;
}

int main(void)
{
	CHECK(bus_register(&test_bus) == 0);
	test_registration_errors();
	test_driver_then_device();
	test_dev_printk();
	test_device_then_driver_and_failed_probe();
	test_references_and_in_use();
	test_calls_pin_the_driver_module();
	test_uevent_hook();
	test_bus_unregister_detaches_leftovers();
	bus_unregister(&test_bus);
	return unit_summary();
}
