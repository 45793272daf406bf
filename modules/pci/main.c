/*
 * pci.ko: finds every PCI function through configuration mechanism #1, registers the "pci"
 * bus and one device per function (drivers bind through pci_register_driver), and adds the
 * lspci shell command. Unloading removes all of it again.
 */
#include <keel/module.h>
#include "pci_internal.h"

static struct pci_dev_list found;
static int registered; /* how many of found.devs[] are registered devices */

/* Frees every function: the registered ones through their release (put_device), the rest here. */
static void release_devices(void)
{
	while (found.count > registered)
		kfree(found.devs[--found.count]);
	while (registered > 0) {
		device_unregister(&found.devs[--registered]->dev);
		found.count--;
	}
	kfree(found.devs);
	found.devs = NULL;
	found.capacity = 0;
}

static int register_devices(void)
{
	int ret;

	for (; registered < found.count; registered++) {
		found.devs[registered]->dev.bus = &pci_bus_type;
		ret = device_register(&found.devs[registered]->dev);
		if (ret < 0) {
			pr_err("pci: cannot register %s: %s\n", pci_name(found.devs[registered]),
			       errno_name(-ret));
			return ret;
		}
	}
	return 0;
}

static int __init pci_init(void)
{
	int ret;

	if (!pci_conf1_present()) {
		pr_err("pci: no PCI configuration mechanism #1 found\n");
		return -ENODEV;
	}
	ret = pci_scan_all(&found);
	if (ret < 0) {
		pr_err("pci: scan failed: %s\n", errno_name(-ret));
		return ret;
	}
	pci_route_intx(&found);
	pci_bus_type.owner = THIS_MODULE;
	ret = bus_register(&pci_bus_type);
	if (ret < 0)
		goto out_free_devices;
	ret = register_devices();
	if (ret < 0)
		goto out_unregister_devices;
	ret = pci_lspci_register();
	if (ret < 0)
		goto out_unregister_devices;
	pr_info("pci: %d functions found\n", found.count);
	return 0;

out_unregister_devices:
	release_devices();
	bus_unregister(&pci_bus_type);
	return ret;
out_free_devices:
	release_devices();
	return ret;
}

static void __exit pci_exit(void)
{
	pci_lspci_unregister();
	release_devices();
	bus_unregister(&pci_bus_type);
}

module_init(pci_init);
module_exit(pci_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PCI bus: configuration mechanism #1, enumeration, driver binding, lspci");
