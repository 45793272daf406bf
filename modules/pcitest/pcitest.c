/*
 * pcitest.ko: the smallest PCI driver, for tests and as the worked example in
 * docs/drivers.md. It claims QEMU's PCI test device (1b36:0005, `-device pci-testdev`), which
 * no machine has unless asked for, and only says so on probe and remove. (It used to claim the
 * e1000, QEMU's default NIC; e1000.ko drives that now.)
 */
#include <keel/module.h>
#include <keel/pci.h>

static const struct pci_device_id pcitest_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x0005) }, /* Red Hat, Inc. QEMU PCI test device */
	{ }
};
MODULE_DEVICE_TABLE(pci, pcitest_ids);

static int pcitest_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	pr_info("pcitest: probe %s (%04x:%04x)\n", pci_name(pdev), pdev->vendor, pdev->device);
	return 0;
}

static void pcitest_remove(struct pci_dev *pdev)
{
	pr_info("pcitest: remove %s (%04x:%04x)\n", pci_name(pdev), pdev->vendor, pdev->device);
}

static struct pci_driver pcitest_driver = {
	.name = "pcitest",
	.id_table = pcitest_ids,
	.probe = pcitest_probe,
	.remove = pcitest_remove,
};

static int __init pcitest_init(void)
{
	return pci_register_driver(&pcitest_driver);
}

static void __exit pcitest_exit(void)
{
	pci_unregister_driver(&pcitest_driver);
}

module_init(pcitest_init);
module_exit(pcitest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PCI test driver: reports probe and remove of QEMU's pci-testdev");
