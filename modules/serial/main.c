/*
 * serial.ko: interrupt-driven 16550-family serial ports as ttyS0..ttyS7. Probes the four PC COM
 * ports, takes COM1 over from the base kernel's early console, binds PCI serial cards, and adds
 * the `serial` shell command. Unloading gives COM1 back to the early console.
 */
#include <keel/irqflags.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/serial.h>
#include "uart.h"

static const struct {
	u16 iobase;
	unsigned int irq;
} isa_ports[] = { { 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 } };

static unsigned int probe_mask = 0xf;
module_param_range(probe_mask, uint, 0, 0xf, S_IRUGO);
MODULE_PARM_DESC(probe_mask, "COM ports to probe, bit 0 = COM1 (default 0xf: all four)");

static bool console = true;
module_param(console, bool, S_IRUGO);
MODULE_PARM_DESC(console, "take COM1 over from the early console (default 1)");

static void serial_isa_add(int line)
{
	u16 io = isa_ports[line].iobase;
	unsigned long flags;
	enum uart_type type;
	int err;

	if (io == EARLY_SERIAL_PORT && !console) {
		pr_info("serial: COM1 left to the early console (console=0)\n");
		serial_first_dynamic_line = line + 1;
		return;
	}
	local_irq_save(flags);
	type = uart_probe(io);
	local_irq_restore(flags);
	if (type == UART_NONE)
		return;
	serial_first_dynamic_line = line + 1;
	if (!serial_port_add(line, io, isa_ports[line].irq, type, NULL,
			     console && io == EARLY_SERIAL_PORT, &err))
		pr_err("serial: COM%d at I/O 0x%x: cannot set up ttyS%d: %d\n", line + 1, io, line,
		       err);
}

static void serial_remove_all(void)
{
	for (int line = SERIAL_MAX_PORTS - 1; line >= 0; line--)
		if (serial_ports[line])
			serial_port_remove(serial_ports[line]);
}

static int __init serial_init(void)
{
	int err;

	for (int line = 0; line < (int)ARRAY_SIZE(isa_ports); line++)
		if (probe_mask & (1u << line))
			serial_isa_add(line);
	err = serial_command_register();
	if (err)
		goto out_remove_ports;
	err = serial_pci_register();
	if (err)
		goto out_unregister_command;
	return 0;

out_unregister_command:
	serial_command_unregister();
out_remove_ports:
	serial_remove_all();
	return err;
}

static void __exit serial_exit(void)
{
	serial_pci_unregister();
	serial_command_unregister();
	serial_remove_all();
}

module_init(serial_init);
module_exit(serial_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("16550A serial ports (ttyS0-ttyS7): interrupt-driven, COM1 console, PCI cards");
