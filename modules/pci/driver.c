/*
 * The "pci" bus of the device model: ID-table matching, probe/remove through struct
 * pci_driver, the Linux-format modalias that autoloading looks up in modules.alias, and
 * pci_register_driver/pci_unregister_driver.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/printk.h>
#include <keel/string.h>
#include "pci_internal.h"

static bool id_matches(const struct pci_device_id *id, const struct pci_dev *dev)
{
	return (id->vendor == PCI_ANY_ID || id->vendor == dev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == dev->device) &&
	       (id->subvendor == PCI_ANY_ID || id->subvendor == dev->subsystem_vendor) &&
	       (id->subdevice == PCI_ANY_ID || id->subdevice == dev->subsystem_device) &&
	       !((id->class ^ dev->class) & id->class_mask);
}

/* The table ends with an entry whose vendor, subvendor and class_mask are all 0 (Linux's rule). */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 const struct pci_dev *dev)
{
	for (; ids && (ids->vendor || ids->subvendor || ids->class_mask); ids++)
		if (id_matches(ids, dev))
			return ids;
	return NULL;
}
EXPORT_SYMBOL_GPL(pci_match_id);

static int pci_bus_match(struct device *dev, struct device_driver *drv)
{
	return pci_match_id(to_pci_driver(drv)->id_table, to_pci_dev(dev)) != NULL;
}

/* Linux frees them through devres; here a driver that forgot gets told. */
static void pci_release_irq_vectors(struct pci_dev *pdev, const char *drv_name)
{
	if (!pdev->irq_type)
		return;
	pr_warn("pci: %s: %s left its interrupt vectors allocated; freed them\n",
		pci_name(pdev), drv_name);
	pci_free_irq_vectors(pdev);
}

static int pci_bus_probe(struct device *dev)
{
	struct pci_driver *drv = to_pci_driver(dev->driver);
	struct pci_dev *pdev = to_pci_dev(dev);
	const struct pci_device_id *id = pci_match_id(drv->id_table, pdev);

	int ret;

	if (!id || !drv->probe)
		return -ENODEV;
	ret = drv->probe(pdev, id);
	if (ret)
		pci_release_irq_vectors(pdev, drv->name);
	return ret;
}

static void pci_bus_remove(struct device *dev)
{
	struct pci_driver *drv = to_pci_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_pci_dev(dev));
	pci_release_irq_vectors(to_pci_dev(dev), drv->name);
}

/* Exactly Linux's format, which MODULE_DEVICE_TABLE aliases (tools/pcialias.py) match. */
static int pci_bus_modalias(struct device *dev, char *buf, size_t size)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	return snprintf(buf, size, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", pdev->vendor,
			pdev->device, pdev->subsystem_vendor, pdev->subsystem_device,
			(pdev->class >> 16) & 0xff, (pdev->class >> 8) & 0xff, pdev->class & 0xff);
}

struct bus_type pci_bus_type = {
	.name = "pci",
	.match = pci_bus_match,
	.probe = pci_bus_probe,
	.remove = pci_bus_remove,
	.modalias = pci_bus_modalias,
};
EXPORT_SYMBOL_GPL(pci_bus_type);

int __pci_register_driver(struct pci_driver *drv, struct module *owner, const char *mod_name)
{
	if (!drv || !drv->name || !drv->id_table)
		return -EINVAL;
	memset(&drv->driver, 0, sizeof(drv->driver));
	drv->driver.name = drv->name;
	drv->driver.bus = &pci_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__pci_register_driver);

void pci_unregister_driver(struct pci_driver *drv)
{
	if (drv)
		driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(pci_unregister_driver);
