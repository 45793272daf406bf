/*
 * Host test of pci.ko's scan and BAR sizing on a fake configuration space: multi-function
 * devices with holes, bridges (one empty, one looping back), 32/64-bit, prefetchable, I/O and
 * bogus BARs, the expansion ROM, a looping capability list; and that sizing leaves every
 * register as it found it.
 */
/* UNIT_SOURCES: modules/pci/enumerate.c modules/pci/bars.c */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <keel/errno.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "../../modules/pci/pci_internal.h"
#include "host_bug.h"
#include "unit.h"


/* ---- Kernel functions the sources call ---- */

int printk(const char *fmt, ...) { return 0; }
void *kzalloc(size_t size, gfp_t gfp) { return calloc(1, size); }
void *krealloc(const void *p, size_t size, gfp_t gfp) { return realloc((void *)p, size); }
void kfree(const void *p) { free((void *)p); }
void *ioremap(phys_addr_t phys, size_t size) { return NULL; }
void iounmap(void *addr) { }
int pci_read_config_word(const struct pci_dev *dev, int where, u16 *val) { return 0; }
int pci_write_config_word(const struct pci_dev *dev, int where, u16 val) { return 0; }
int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dev->name, sizeof(dev->name), fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- The fake configuration space ---- */

struct fake_function {
	u8 regs[256];
	u32 bar_size_mask[7]; /* per BAR register (index 6: ROM): writable address bits */
	bool present;
};

static struct fake_function space[256][256]; /* [bus][devfn] */
static int locked, decode_on_while_probing;

unsigned long pci_config_lock(void) { locked++; return 0; }
void pci_config_unlock(unsigned long flags) { locked--; }

static u32 get32(const u8 *r, int where)
{
	return r[where] | r[where + 1] << 8 | r[where + 2] << 16 | (u32)r[where + 3] << 24;
}

static void put(u8 *r, int where, int size, u32 val)
{
	for (int i = 0; i < size; i++)
		r[where + i] = val >> (8 * i);
}

u32 pci_conf_read(u8 bus, u8 devfn, int where, int size)
{
	struct fake_function *f = &space[bus][devfn];
	u32 val;

	CHECK(where >= 0 && where + size <= 256 && (where & (size - 1)) == 0);
	if (!f->present)
		return size == 4 ? 0xffffffff : size == 2 ? 0xffff : 0xff;
	val = get32(f->regs, where & ~3) >> (8 * (where & 3));
	return size == 4 ? val : val & ((1u << (8 * size)) - 1);
}

static int bar_index(const struct fake_function *f, int where)
{
	bool bridge = (f->regs[PCI_HEADER_TYPE] & 0x7f) == 1;

	if (where >= 0x10 && where < (bridge ? 0x18 : 0x28))
		return (where - 0x10) / 4;
	if (where == (bridge ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS))
		return 6;
	return -1;
}

void pci_conf_write(u8 bus, u8 devfn, int where, int size, u32 val)
{
	struct fake_function *f = &space[bus][devfn];
	int bar = bar_index(f, where);
	u32 old = get32(f->regs, where & ~3), keep;

	if (!f->present)
		return;
	if (bar < 0 || size != 4) {
		put(f->regs, where, size, val);
		return;
	}
	/* Host bridges are left decoding on purpose (they may route the kernel's own accesses). */
	if (f->regs[PCI_COMMAND] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY) && val == ~0u &&
	    get32(f->regs, PCI_REVISION_ID) >> 16 != 0x0600)
		decode_on_while_probing++;
	/* Read-only flag bits stay; only the implemented address bits take the new value. */
	keep = ~f->bar_size_mask[bar];
	put(f->regs, where, 4, (old & keep) | (val & f->bar_size_mask[bar]));
}

static struct fake_function *add(u8 bus, u8 slot, u8 fn, u16 vendor, u16 device, u32 class,
				 u8 hdr)
{
	struct fake_function *f = &space[bus][PCI_DEVFN(slot, fn)];

	f->present = true;
	put(f->regs, PCI_VENDOR_ID, 2, vendor);
	put(f->regs, PCI_DEVICE_ID, 2, device);
	put(f->regs, PCI_REVISION_ID, 4, class << 8 | 0x03);
	f->regs[PCI_HEADER_TYPE] = hdr;
	put(f->regs, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	return f;
}

static void bar(struct fake_function *f, int i, u32 value, u32 size_mask)
{
	put(f->regs, 0x10 + 4 * i, 4, value);
	f->bar_size_mask[i] = size_mask;
}

static void build_space(void)
{
	struct fake_function *f;

	add(0, 0, 0, 0x8086, 0x1237, 0x060000, 0); /* host bridge */
	/* Multi-function device: functions 0 and 2, not 1. */
	f = add(0, 1, 0, 0x8086, 0x7000, 0x060100, 0x80);
	f = add(0, 1, 2, 0x8086, 0x7010, 0x010180, 0);
	bar(f, 4, 0xc001, 0xfff0);          /* I/O, 16 bytes, 16-bit decoder */
	put(f->regs, PCI_SUBSYSTEM_VENDOR_ID, 2, 0x1af4);
	put(f->regs, PCI_SUBSYSTEM_ID, 2, 0x1100);
	f->regs[PCI_INTERRUPT_LINE] = 11;
	f->regs[PCI_INTERRUPT_PIN] = 1;
	/* A device with every kind of BAR, a ROM and a capability list that loops. */
	f = add(0, 3, 0, 0x1af4, 0x1005, 0x00ff00, 0);
	bar(f, 0, 0xfebc0000, 0xfffe0000);  /* 32-bit memory, 128K */
	bar(f, 1, 0xffffffff, 0);           /* bogus: reads all ones */
	bar(f, 2, 0xfe00000c, 0xffffc000);  /* 64-bit prefetchable, 16K, low half */
	bar(f, 3, 0x00000001, 0xffffffff);  /* its high half: address 1 << 32 */
	bar(f, 5, 0, 0);                    /* unimplemented */
	put(f->regs, PCI_ROM_ADDRESS, 4, 0xfeb80000);
	f->bar_size_mask[6] = 0xfffc0000;   /* 256K, disabled */
	put(f->regs, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	f->regs[PCI_CAPABILITY_LIST] = 0x41; /* low bits must be masked off */
	f->regs[0x40] = PCI_CAP_ID_MSIX;
	f->regs[0x41] = 0x50;
	f->regs[0x50] = PCI_CAP_ID_VNDR;
	f->regs[0x51] = 0x40; /* back to the first: a loop */
	/* A bridge to bus 2 (scanned out of order: bus 2 has a device), one to an empty bus 3,
	 * one back to bus 0, one left unnumbered. */
	f = add(0, 4, 0, 0x1b36, 0x0001, 0x060400, 1);
	f->regs[PCI_SECONDARY_BUS] = 2;
	f->regs[PCI_SUBORDINATE_BUS] = 2;
	bar(f, 0, 0xfea00004, 0xffffff00);  /* 64-bit, 256 bytes */
	bar(f, 1, 0, 0xffffffff);
	add(2, 0, 0, 0x8086, 0x100e, 0x020000, 0);
	f = add(0, 5, 0, 0x1b36, 0x0001, 0x060400, 1);
	f->regs[PCI_SECONDARY_BUS] = 3;
	f = add(2, 1, 0, 0x1b36, 0x0001, 0x060400, 1);
	f->regs[PCI_SECONDARY_BUS] = 2; /* loops onto its own bus: ignored */
	add(0, 6, 0, 0x1b36, 0x0001, 0x060400, 1); /* secondary 0: not numbered by firmware */
}

static struct pci_dev *find(struct pci_dev_list *list, u8 bus, u8 slot, u8 fn)
{
	for (int i = 0; i < list->count; i++)
		if (list->devs[i]->bus_number == bus && list->devs[i]->devfn == PCI_DEVFN(slot, fn))
			return list->devs[i];
	return NULL;
}

static void test_scan(void)
{
	static struct fake_function before[4][256];
	struct pci_dev_list list = { 0 };
	struct pci_dev *d;

	build_space();
	memcpy(before, space, sizeof(before));
	CHECK(pci_scan_all(&list) == 0);
	CHECK(locked == 0 && decode_on_while_probing == 0);
	CHECK(memcmp(before, space, sizeof(before)) == 0); /* nothing disturbed */
	CHECK(list.count == 9);
	for (int i = 1; i < list.count; i++)
		CHECK(list.devs[i - 1]->bus_number < list.devs[i]->bus_number ||
		      (list.devs[i - 1]->bus_number == list.devs[i]->bus_number &&
		       list.devs[i - 1]->devfn < list.devs[i]->devfn));
	CHECK(find(&list, 0, 1, 1) == NULL && find(&list, 0, 1, 2) != NULL);
	CHECK(find(&list, 0, 2, 0) == NULL);

	d = find(&list, 0, 1, 2);
	CHECK(d && strcmp(d->dev.name, "0000:00:01.2") == 0);
	CHECK(d && d->class == 0x010180 && d->revision == 3 && d->vendor == 0x8086);
	CHECK(d && d->subsystem_vendor == 0x1af4 && d->subsystem_device == 0x1100);
	CHECK(d && d->irq == 11 && d->pin == 1 && !d->multifunction);
	CHECK(d && pci_resource_flags(d, 4) == IORESOURCE_IO && pci_resource_start(d, 4) == 0xc000 &&
	      pci_resource_len(d, 4) == 16);
	CHECK(find(&list, 0, 1, 0)->multifunction);

	d = find(&list, 0, 3, 0);
	CHECK(d && pci_resource_start(d, 0) == 0xfebc0000 && pci_resource_len(d, 0) == 128 << 10 &&
	      pci_resource_flags(d, 0) == IORESOURCE_MEM);
	CHECK(d && pci_resource_len(d, 1) == 0 && pci_resource_flags(d, 1) == 0);
	CHECK(d && pci_resource_start(d, 2) == 0x1fe000000ull && pci_resource_len(d, 2) == 16384 &&
	      pci_resource_flags(d, 2) ==
		      (IORESOURCE_MEM | IORESOURCE_PREFETCH | IORESOURCE_MEM_64));
	CHECK(d && pci_resource_flags(d, 3) == 0 && pci_resource_flags(d, 5) == 0);
	CHECK(d && pci_resource_start(d, PCI_ROM_RESOURCE) == 0xfeb80000 &&
	      pci_resource_len(d, PCI_ROM_RESOURCE) == 256 << 10 &&
	      (pci_resource_flags(d, PCI_ROM_RESOURCE) & IORESOURCE_DISABLED));
	CHECK(d && d->num_caps == PCI_MAX_CAPS && d->caps[0].offset == 0x40 &&
	      d->caps[0].id == PCI_CAP_ID_MSIX && d->caps[1].offset == 0x50);
	CHECK(d && pci_find_capability(d, PCI_CAP_ID_VNDR) == 0x50 &&
	      pci_find_capability(d, PCI_CAP_ID_MSI) == 0);
	CHECK(pci_resource_len(d, 7) == 0 && pci_resource_len(d, -1) == 0);

	d = find(&list, 0, 4, 0);
	CHECK(d && d->hdr_type == 1 && d->secondary == 2 && pci_resource_len(d, 0) == 256 &&
	      (pci_resource_flags(d, 0) & IORESOURCE_MEM_64));
	CHECK(find(&list, 2, 0, 0) && find(&list, 2, 0, 0)->dev.parent == &d->dev);
	CHECK(find(&list, 2, 1, 0) != NULL && find(&list, 0, 6, 0) != NULL);
	for (int i = 0; i < list.count; i++)
		free(list.devs[i]);
	free(list.devs);
}

int main(void)
{
	test_scan();
	return unit_summary();
}
