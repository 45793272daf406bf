/* pci.ko's insides shared between its files: raw configuration access and the scan. */
#ifndef PCI_INTERNAL_H
#define PCI_INTERNAL_H

#include <keel/pci.h>

#define PCI_DOMAIN 0 /* only segment 0: configuration mechanism #1 reaches no other */

/* Configuration mechanism #1 (config.c). size is 1, 2 or 4; where aligned to it, < 256. */
bool pci_conf1_present(void);
u32 pci_conf_read(u8 bus, u8 devfn, int where, int size);
void pci_conf_write(u8 bus, u8 devfn, int where, int size, u32 val);
/* Keeps interrupt handlers out across several accesses (each access is atomic by itself). */
unsigned long pci_config_lock(void);
void pci_config_unlock(unsigned long flags);

/* Sizes the BARs and expansion ROM of a new function, decoding off meanwhile (bars.c). */
void pci_read_bases(struct pci_dev *pdev);

/* Every function behind bus 0, sorted by bus and devfn (enumerate.c). 0 or -ENOMEM. */
struct pci_dev_list {
	struct pci_dev **devs;
	int count, capacity;
};
int pci_scan_all(struct pci_dev_list *list);
void pci_free_dev(struct device *dev); /* struct device's release for pci_dev */
/* Sets every function's irq/intx_irq to the IRQ its INTx pin raises (intx.c). */
void pci_route_intx(struct pci_dev_list *list);

/* The lspci shell command (lspci.c). */
int pci_lspci_register(void);
void pci_lspci_unregister(void);

#endif
