/*
 * The `ahci` shell command: one line per port with a device (port, link speed from PxSSTS.SPD,
 * type, block device, model, size), within 80 columns.
 */
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/pci.h>
#include <keel/shell.h>
#include "ahci.h"

static const char *const ahci_speeds[] = { "-", "1.5 Gb/s", "3 Gb/s", "6 Gb/s" };

static void ahci_list_port(struct ahci_port_priv *pp)
{
	struct block_device *b = &pp->bdev;
	u64 mib = b->nr_sectors * b->sector_size >> 20;
	const char *spd = pp->spd < 4 ? ahci_speeds[pp->spd] : "?";

	if (pp->class == AHCI_DEV_ATAPI && b->no_medium)
		console_printf("%4d %-8s %-5s %-4s %-32.32s %s\n", pp->index, spd,
			       ahci_class_name(pp->class), pp->name, b->model, "no medium");
	else
		console_printf("%4d %-8s %-5s %-4s %-32.32s %llu MiB\n", pp->index, spd,
			       ahci_class_name(pp->class), pp->name, b->model,
			       (unsigned long long)mib);
}

static unsigned long ahci_host_irqs(struct ahci_host *host)
{
	unsigned long n = 0;

	for (int i = 0; i < AHCI_MAX_PORTS; i++)
		if (host->ports[i])
			n += host->ports[i]->irq_count;
	return n;
}

static int ahci_cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!ahci_first_host()) {
		console_printf("ahci: no AHCI controller\n");
		return 1;
	}
	console_printf("PORT SPEED    TYPE  NAME MODEL                            SIZE\n");
	for (struct ahci_host *host = ahci_first_host(); host; host = host->next) {
		console_printf("%s: %lu interrupts on IRQ %u%s\n", pci_name(host->pdev),
			       ahci_host_irqs(host), host->irq, host->irq_requested ? "" : " (polling)");
		for (int i = 0; i < AHCI_MAX_PORTS; i++)
			if (host->ports[i])
				ahci_list_port(host->ports[i]);
	}
	return 0;
}

static const struct shell_command ahci_command = {
	.name = "ahci",
	.usage = "ahci",
	.help = "AHCI ports: link speed, device type, block device, model, size",
	.run = ahci_cmd_run,
};

int ahci_command_register(void)
{
	return shell_register_command(&ahci_command);
}

void ahci_command_unregister(void)
{
	shell_unregister_command(&ahci_command);
}
