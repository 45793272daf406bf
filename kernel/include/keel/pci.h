/*
 * PCI for driver modules: the API pci.ko exports (modules/pci/), after Linux's <linux/pci.h>.
 *
 *   static const struct pci_device_id ids[] = { { PCI_DEVICE(0x8086, 0x100e) }, { } };
 *   MODULE_DEVICE_TABLE(pci, ids);
 *   static struct pci_driver drv = { .name = "mydrv", .id_table = ids, .probe = ..., .remove = ... };
 *   module_init: return pci_register_driver(&drv);   module_exit: pci_unregister_driver(&drv);
 *
 * Devices are functions found by pci.ko on the "pci" bus of the device model (keel/device.h),
 * named "0000:BB:DD.F". See docs/drivers.md.
 */
#ifndef KEEL_PCI_H
#define KEEL_PCI_H

#include <keel/device.h>
#include <keel/types.h>

#define PCI_ANY_ID (~0U)

/*
 * One ID table entry, Linux's layout (32 bytes): tools/pcialias.py reads the table the symbol
 * __mod_pci__<table>_device_table names out of the .ko and writes modules.alias lines, so keep
 * it in step. class/class_mask compare (base class << 16 | subclass << 8 | prog-if).
 */
struct pci_device_id {
	u32 vendor, device;       /* or PCI_ANY_ID */
	u32 subvendor, subdevice; /* or PCI_ANY_ID */
	u32 class, class_mask;
	unsigned long driver_data; /* for the driver's own use */
};

#define PCI_DEVICE(vend, dev)                                                              \
	.vendor = (vend), .device = (dev), .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_DEVICE_SUB(vend, dev, subvend, subdev)                                         \
	.vendor = (vend), .device = (dev), .subvendor = (subvend), .subdevice = (subdev)
#define PCI_DEVICE_CLASS(dev_class, dev_class_mask)                                        \
	.class = (dev_class), .class_mask = (dev_class_mask), .vendor = PCI_ANY_ID,        \
	.device = PCI_ANY_ID, .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID

/* Configuration space registers (type 0 and type 1 headers). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define  PCI_COMMAND_IO 0x1
#define  PCI_COMMAND_MEMORY 0x2
#define  PCI_COMMAND_MASTER 0x4
#define  PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS 0x06
#define  PCI_STATUS_CAP_LIST 0x10
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define  PCI_HEADER_TYPE_MASK 0x7f
#define  PCI_HEADER_TYPE_NORMAL 0
#define  PCI_HEADER_TYPE_BRIDGE 1
#define  PCI_HEADER_TYPE_CARDBUS 2
#define  PCI_HEADER_TYPE_MFD 0x80
#define PCI_BASE_ADDRESS_0 0x10
#define  PCI_BASE_ADDRESS_SPACE_IO 0x1
#define  PCI_BASE_ADDRESS_MEM_TYPE_MASK 0x6
#define  PCI_BASE_ADDRESS_MEM_TYPE_64 0x4
#define  PCI_BASE_ADDRESS_MEM_PREFETCH 0x8
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_ROM_ADDRESS 0x30
#define PCI_ROM_ADDRESS1 0x38 /* bridges */
#define  PCI_ROM_ADDRESS_ENABLE 0x1
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

/* The MSI capability (PCI Local Bus 3.0 section 6.8.1). */
#define PCI_MSI_FLAGS 0x02
#define  PCI_MSI_FLAGS_ENABLE 0x0001
#define  PCI_MSI_FLAGS_QSIZE 0x0070   /* multiple messages enabled */
#define  PCI_MSI_FLAGS_64BIT 0x0080
#define  PCI_MSI_FLAGS_MASKBIT 0x0100 /* per-vector masking */
#define PCI_MSI_ADDRESS_LO 0x04
#define PCI_MSI_ADDRESS_HI 0x08       /* 64-bit capability only */
#define PCI_MSI_DATA_32 0x08
#define PCI_MSI_DATA_64 0x0c
#define PCI_MSI_MASK_32 0x0c
#define PCI_MSI_MASK_64 0x10
/* The MSI-X capability (PCI Local Bus 3.0 section 6.8.2) and its table in a BAR. */
#define PCI_MSIX_FLAGS 0x02
#define  PCI_MSIX_FLAGS_QSIZE 0x07ff  /* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE 0x04
#define  PCI_MSIX_TABLE_BIR 0x7
#define PCI_MSIX_ENTRY_SIZE 16
#define  PCI_MSIX_ENTRY_LOWER_ADDR 0x0
#define  PCI_MSIX_ENTRY_UPPER_ADDR 0x4
#define  PCI_MSIX_ENTRY_DATA 0x8
#define  PCI_MSIX_ENTRY_VECTOR_CTRL 0xc
#define   PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

/* pci_alloc_irq_vectors() flags, Linux's values: which kinds of interrupt may be used. */
#define PCI_IRQ_LEGACY (1u << 0) /* INTx, one vector */
#define PCI_IRQ_MSI (1u << 1)
#define PCI_IRQ_MSIX (1u << 2)
#define PCI_IRQ_ALL_TYPES (PCI_IRQ_LEGACY | PCI_IRQ_MSI | PCI_IRQ_MSIX)

/* Capability IDs. */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_SATA 0x12

/* Resource flags, Linux's values. */
#define IORESOURCE_IO 0x00000100
#define IORESOURCE_MEM 0x00000200
#define IORESOURCE_PREFETCH 0x00002000
#define IORESOURCE_READONLY 0x00004000 /* the expansion ROM */
#define IORESOURCE_DISABLED 0x10000000
#define IORESOURCE_MEM_64 0x00100000

struct resource {
	u64 start, end; /* end inclusive; both 0 when the BAR is absent */
	unsigned long flags;
};

#define PCI_STD_NUM_BARS 6
#define PCI_ROM_RESOURCE 6
#define PCI_NUM_RESOURCES 7
#define PCI_MAX_CAPS 48

struct pci_cap {
	u8 id, offset;
};

struct pci_dev {
	struct device dev;
	u8 bus_number;
	u8 devfn; /* device << 3 | function */
	u16 vendor, device;
	u16 subsystem_vendor, subsystem_device; /* 0 unless a type 0 header */
	u32 class; /* base class << 16 | subclass << 8 | prog-if */
	u8 revision;
	u8 hdr_type; /* without the multi-function bit */
	bool multifunction;
	u8 pin;          /* interrupt pin 1-4 (INTA#-INTD#), 0: none */
	/* The IRQ for request_irq(): INTx as routed (the firmware's Interrupt Line on the 8259
	 * and on PIIX; the ICH9 PIRQ's GSI 16-23 on q35 with the I/O APIC), or the first MSI/
	 * MSI-X vector while pci_alloc_irq_vectors() has them. */
	unsigned int irq;
	unsigned int intx_irq; /* the INTx IRQ, kept while irq is an MSI one */
	u8 irq_type;           /* 0 or the PCI_IRQ_* in use */
	unsigned int irq_nvec; /* vectors allocated by pci_alloc_irq_vectors() */
	void *msix_table;      /* mapped MSI-X table while MSI-X is in use */
	u8 secondary, subordinate; /* bridges */
	u8 num_caps;
	struct pci_cap caps[PCI_MAX_CAPS];
	struct resource resource[PCI_NUM_RESOURCES];
	int enable_count;
};

#define to_pci_dev(d) container_of(d, struct pci_dev, dev)
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn) & 0x07)
#define PCI_DEVFN(slot, func) ((((slot) & 0x1f) << 3) | ((func) & 0x07))

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table; /* ends with an all-zero entry */
	/* 0 when the driver took the device; a negative errno leaves it unbound. */
	int (*probe)(struct pci_dev *dev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *dev);
	struct device_driver driver; /* filled by pci_register_driver */
};

#define to_pci_driver(d) container_of(d, struct pci_driver, driver)

extern struct bus_type pci_bus_type;

static inline const char *pci_name(const struct pci_dev *pdev) { return dev_name(&pdev->dev); }
static inline void *pci_get_drvdata(struct pci_dev *pdev) { return dev_get_drvdata(&pdev->dev); }
static inline void pci_set_drvdata(struct pci_dev *pdev, void *data)
{
	dev_set_drvdata(&pdev->dev, data);
}

/* Configuration space: 0, or -EINVAL for an offset out of range or misaligned for the size. */
int pci_read_config_byte(const struct pci_dev *dev, int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, int where, u32 val);

/* BAR n (0-5) or PCI_ROM_RESOURCE: bus address, length in bytes (0: absent), IORESOURCE_*. */
u64 pci_resource_start(const struct pci_dev *dev, int bar);
u64 pci_resource_len(const struct pci_dev *dev, int bar);
unsigned long pci_resource_flags(const struct pci_dev *dev, int bar);
/* Config offset of capability cap (PCI_CAP_ID_*), or 0 when the device has none. */
u8 pci_find_capability(const struct pci_dev *dev, int cap);

/* Turns on I/O and memory decoding for the BARs the device has. 0 or -errno. */
int pci_enable_device(struct pci_dev *dev);
void pci_disable_device(struct pci_dev *dev); /* also stops bus mastering */
void pci_set_master(struct pci_dev *dev);     /* lets the device do DMA */
void pci_clear_master(struct pci_dev *dev);
/*
 * A kernel mapping of memory BAR bar, at most maxlen bytes (0: all of it), for readl/writel;
 * NULL for an absent or I/O BAR (use inb/outb at pci_resource_start()) or when ioremap fails.
 */
void *pci_iomap(struct pci_dev *dev, int bar, unsigned long maxlen);
void pci_iounmap(struct pci_dev *dev, void *addr);

/*
 * Interrupt vectors, Linux's API (drivers/pci/msi/api.c):
 *
 *   nvec = pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_ALL_TYPES);
 *   err = request_irq(pci_irq_vector(pdev, 0), handler, 0, "mydrv", priv);
 *   ... free_irq(pci_irq_vector(pdev, 0), priv); pci_free_irq_vectors(pdev);
 *
 * pci_alloc_irq_vectors() tries MSI-X, then MSI, then INTx, each only when flags allow it,
 * and takes between min_vecs and max_vecs (1-32) vectors: MSI-X gives up to the table size,
 * MSI and INTx exactly one. Returns how many, or -EINVAL (bad arguments, vectors already
 * allocated), -ENOSPC (no kind allowed by flags gives min_vecs; also no INTx pin), -ENOMEM.
 * MSI and MSI-X need the Local APIC: in 8259 mode (`noapic`, no MADT) only INTx remains.
 * The vectors start masked and are unmasked by request_irq(); with MSI(-X) on, INTx is
 * disabled in the command register. Task context (maps the MSI-X table).
 *
 * pci_irq_vector() gives the IRQ of vector nr (0..count-1): the IRQ, or -EINVAL.
 * pci_free_irq_vectors() turns MSI/MSI-X off and gives the vectors back (handlers still
 * registered are freed with a warning); a driver's remove should call it, and pci.ko calls
 * it after remove() for a driver that forgot. Task context. Follows Linux's functions.
 */
int pci_alloc_irq_vectors(struct pci_dev *dev, unsigned int min_vecs, unsigned int max_vecs,
			  unsigned int flags);
int pci_irq_vector(struct pci_dev *dev, unsigned int nr);
void pci_free_irq_vectors(struct pci_dev *dev);

/* The entry of ids matching dev, or NULL. */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 const struct pci_dev *dev);

int __pci_register_driver(struct pci_driver *drv, struct module *owner, const char *mod_name);
/* Use from a module: records THIS_MODULE as the owner (needs <keel/module.h>). */
#define pci_register_driver(drv) __pci_register_driver(drv, THIS_MODULE, KBUILD_MODNAME)
void pci_unregister_driver(struct pci_driver *drv);

#endif
