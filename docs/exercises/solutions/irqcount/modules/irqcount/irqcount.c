/*
 * Reference solution of the "irqcount" exercise (docs/interrupts.md): a second, shared handler
 * on an IRQ line (default 4, COM1, which serial.ko requests with IRQF_SHARED) that counts the
 * interrupts and leaves them to the real driver by returning IRQ_NONE.
 */
#include <keel/console.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/shell.h>

static unsigned int irq = 4;
module_param_range(irq, uint, 0, 15, 0444);
MODULE_PARM_DESC(irq, "IRQ line to count (0-15, default 4: COM1)");

/* Its address is the dev_id: unique, and free_irq() finds our action by it. */
static unsigned long count;

static irqreturn_t irqcount_handler(int line, void *dev_id)
{
	unsigned long *c = dev_id;

	/* Interrupts are off in a handler and there is one CPU: a plain increment is safe. */
	WRITE_ONCE(*c, *c + 1);
	return IRQ_NONE; /* not our device: the driver's handler does the work */
}

static int irqcount_run(int argc, char **argv)
{
	if (argc != 1) {
		console_puts("usage: irqcount\n");
		return 1;
	}
	console_printf("irqcount: IRQ %u: %lu interrupts\n", irq, READ_ONCE(count));
	return 0;
}

static const struct shell_command irqcount_command = {
	.name = "irqcount",
	.usage = "irqcount",
	.help = "interrupts counted on the irqcount module's line",
	.run = irqcount_run,
};

static int __init irqcount_init(void)
{
	int err = request_irq(irq, irqcount_handler, IRQF_SHARED, "irqcount", &count);

	if (err) {
		pr_err("irqcount: cannot share IRQ %u (%d)\n", irq, err);
		return err;
	}
	err = shell_register_command(&irqcount_command);
	if (err)
		free_irq(irq, &count);
	return err;
}

static void __exit irqcount_exit(void)
{
	shell_unregister_command(&irqcount_command);
	free_irq(irq, &count);
}

module_init(irqcount_init);
module_exit(irqcount_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: count the interrupts of a shared IRQ line");
