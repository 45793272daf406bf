/*
 * PCI serial cards: QEMU's pci-serial (one 16550A at BAR 0, I/O) and its 2- and 4-port
 * variants (consecutive 8-byte register blocks in BAR 0). Their ports take the next free ttySn.
 */
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/module.h>
#include <keel/pci.h>
#include <keel/slab.h>
#include "uart.h"

#define PCI_SERIAL_MAX_PORTS 4
#define UART_REGION_SIZE 8

struct serial_pci_card {
	unsigned int nr_ports;
	struct uart_port *ports[PCI_SERIAL_MAX_PORTS];
};

/* driver_data: how many UARTs the card has. */
static const struct pci_device_id serial_pci_ids[] = {
	{ PCI_DEVICE(0x1b36, 0x0002), .driver_data = 1 }, /* QEMU pci-serial */
	{ PCI_DEVICE(0x1b36, 0x0003), .driver_data = 2 }, /* QEMU pci-serial-2x */
	{ PCI_DEVICE(0x1b36, 0x0004), .driver_data = 4 }, /* QEMU pci-serial-4x */
	{ }
};
MODULE_DEVICE_TABLE(pci, serial_pci_ids);

static void serial_pci_remove_ports(struct serial_pci_card *card)
{
	while (card->nr_ports)
		serial_port_remove(card->ports[--card->nr_ports]);
}

static int serial_pci_add_port(struct pci_dev *pdev, struct serial_pci_card *card, u16 io)
{
	unsigned long flags;

	local_irq_save(flags);
	enum uart_type type = uart_probe(io);
	struct uart_port *port;
	int err = -ENODEV;

	local_irq_restore(flags);
	if (type == UART_NONE) {
		dev_err(&pdev->dev, "no UART at I/O 0x%x\n", io);
		return err;
	}
	port = serial_port_add(-1, io, pdev->irq, type, pci_name(pdev), false, &err);
	if (!port)
		return err;
	card->ports[card->nr_ports++] = port;
	return 0;
}

static int serial_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	unsigned int wanted = (unsigned int)id->driver_data;
	struct serial_pci_card *card;
	u64 base = pci_resource_start(pdev, 0);
	int err;

	/* x86 I/O ports are 16 bits: a region past 0xffff would be cut to low ports below. */
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_IO) ||
	    pci_resource_len(pdev, 0) < wanted * UART_REGION_SIZE ||
	    base + wanted * UART_REGION_SIZE > 0x10000) {
		dev_err(&pdev->dev, "BAR 0 is not the expected I/O region\n");
		return -ENODEV;
	}
	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card)
		return -ENOMEM;
	err = pci_enable_device(pdev);
	if (err)
		goto out_free_card;
	for (unsigned int i = 0; i < wanted; i++) {
		err = serial_pci_add_port(pdev, card, (u16)(base + i * UART_REGION_SIZE));
		if (err)
			goto out_remove_ports;
	}
	pci_set_drvdata(pdev, card);
	return 0;

out_remove_ports:
	serial_pci_remove_ports(card);
	pci_disable_device(pdev);
out_free_card:
	kfree(card);
	return err;
}

static void serial_pci_remove(struct pci_dev *pdev)
{
	struct serial_pci_card *card = pci_get_drvdata(pdev);

	serial_pci_remove_ports(card);
	pci_disable_device(pdev);
	kfree(card);
}

static struct pci_driver serial_pci_driver = {
	.name = "serial",
	.id_table = serial_pci_ids,
	.probe = serial_pci_probe,
	.remove = serial_pci_remove,
};

int serial_pci_register(void)
{
	return pci_register_driver(&serial_pci_driver);
}

void serial_pci_unregister(void)
{
	pci_unregister_driver(&serial_pci_driver);
}
