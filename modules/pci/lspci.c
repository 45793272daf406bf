/*
 * The lspci shell command: one line per function in `lspci -n` style,
 *   00:01.1 0101: 8086:7010 (rev 00) (prog-if 80)
 * and with -v the subsystem, flags, BARs (sizes with K/M/G like Linux), bridge bus numbers
 * and capabilities indented below it.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/shell.h>
#include <keel/string.h>
#include "pci_internal.h"

static const struct {
	u8 id;
	const char *name;
} cap_names[] = {
	{ PCI_CAP_ID_PM, "Power Management" }, { 0x03, "VPD" }, { 0x04, "Slot ID" },
	{ PCI_CAP_ID_MSI, "MSI" }, { PCI_CAP_ID_VNDR, "Vendor Specific" },
	{ 0x0c, "Hot-plug" }, { 0x0d, "Subsystem" }, { PCI_CAP_ID_EXP, "Express" },
	{ PCI_CAP_ID_MSIX, "MSI-X" }, { PCI_CAP_ID_SATA, "SATA" },
};

static const char *cap_name(u8 id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (cap_names[i].id == id)
			return cap_names[i].name;
	return "Unknown";
}

/* Linux's show_size: the largest of K, M, G, T that divides the size exactly. */
static void format_size(u64 size, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "K", "M", "G", "T" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffix) - 1 && size % 1024 == 0; i++)
		size /= 1024;
	snprintf(buf, len, "[size=%lu%s]", (unsigned long)size, suffix[i]);
}

static void print_flags(struct pci_dev *pdev)
{
	u16 cmd;
	bool any = false;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	console_puts("\tFlags:");
	if (cmd & PCI_COMMAND_MASTER) {
		console_puts(" bus master");
		any = true;
	}
	if (pdev->pin) {
		u8 line = 0;

		/* The Interrupt Line as firmware wrote it (QEMU's query-pci "irq"); the routing
		 * and MSI go on a line of their own, below. */
		pci_read_config_byte(pdev, PCI_INTERRUPT_LINE, &line);
		console_printf("%s IRQ %u", any ? "," : "", line);
	} else if (!any) {
		console_puts(" none");
	}
	console_puts("\n");
}

/* "Interrupt: pin A routed to IRQ 16, in use: PCI-MSI IRQ 48" */
static void print_interrupt(struct pci_dev *pdev)
{
	if (!pdev->pin && !pdev->irq_type)
		return;
	console_puts("\tInterrupt:");
	if (pdev->pin)
		console_printf(" pin %c routed to IRQ %u", 'A' + pdev->pin - 1, pdev->intx_irq);
	if (pdev->irq_type)
		console_printf("%s in use: %s IRQ %u", pdev->pin ? "," : "",
			       pdev->irq_type == PCI_IRQ_MSIX ? "MSI-X" :
			       pdev->irq_type == PCI_IRQ_MSI ? "MSI" : "INTx", pdev->irq);
	if (pdev->irq_nvec > 1)
		console_printf("-%u", pdev->irq + pdev->irq_nvec - 1);
	console_puts("\n");
}

static void print_resource(const struct resource *res, int index)
{
	u64 size = res->end - res->start + 1;
	char size_text[24];

	format_size(size, size_text, sizeof(size_text));
	if (index == PCI_ROM_RESOURCE)
		console_printf("\tExpansion ROM at %08lx%s %s\n", (unsigned long)res->start,
			       res->flags & IORESOURCE_DISABLED ? " [disabled]" : "", size_text);
	else if (res->flags & IORESOURCE_IO)
		console_printf("\tI/O ports at %04lx %s\n", (unsigned long)res->start, size_text);
	else
		console_printf("\tMemory at %08lx (%s, %s) %s\n", (unsigned long)res->start,
			       res->flags & IORESOURCE_MEM_64 ? "64-bit" : "32-bit",
			       res->flags & IORESOURCE_PREFETCH ? "prefetchable" :
								  "non-prefetchable",
			       size_text);
}

static void print_verbose(struct pci_dev *pdev)
{
	int i;

	if (pdev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		console_printf("\tSubsystem: %04x:%04x\n", pdev->subsystem_vendor,
			       pdev->subsystem_device);
	print_flags(pdev);
	print_interrupt(pdev);
	for (i = 0; i < PCI_NUM_RESOURCES; i++)
		if (pdev->resource[i].flags)
			print_resource(&pdev->resource[i], i);
	if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		console_printf("\tBus: primary=%02x, secondary=%02x, subordinate=%02x\n",
			       pdev->bus_number, pdev->secondary, pdev->subordinate);
	for (i = 0; i < pdev->num_caps; i++)
		console_printf("\tCapabilities: [%02x] 0x%02x %s\n", pdev->caps[i].offset,
			       pdev->caps[i].id, cap_name(pdev->caps[i].id));
	if (pdev->dev.driver)
		console_printf("\tKernel driver in use: %s\n", pdev->dev.driver->name);
	console_puts("\n");
}

static int print_function(struct device *dev, void *verbose)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	console_printf("%02x:%02x.%u %04x: %04x:%04x (rev %02x)", pdev->bus_number,
		       PCI_SLOT(pdev->devfn), PCI_FUNC(pdev->devfn), pdev->class >> 8,
		       pdev->vendor, pdev->device, pdev->revision);
	if (pdev->class & 0xff)
		console_printf(" (prog-if %02x)", pdev->class & 0xff);
	console_puts("\n");
	if (*(bool *)verbose)
		print_verbose(pdev);
	return 0;
}

static int lspci_run(int argc, char **argv)
{
	bool verbose = false;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-v") != 0)) {
		console_puts("usage: lspci [-v]\n");
		return 1; /* reported */
	}
	verbose = argc == 2;
	bus_for_each_dev(&pci_bus_type, print_function, &verbose);
	return 0;
}

static const struct shell_command lspci_command = {
	.name = "lspci",
	.usage = "lspci [-v]",
	.help = "list PCI functions (-v: BARs, IRQ, capabilities)",
	.run = lspci_run,
};

int pci_lspci_register(void)
{
	int ret = shell_register_command(&lspci_command);

	if (ret < 0)
		pr_err("pci: cannot add the lspci command: %s\n", errno_name(-ret));
	return ret;
}

void pci_lspci_unregister(void)
{
	shell_unregister_command(&lspci_command);
}
