/*
 * Reference solution of the "constat" exercise (docs/console.md): a console that prints
 * nothing but counts the bytes and lines written to the consoles; `constat` shows the counts.
 */
#include <keel/console.h>
#include <keel/module.h>
#include <keel/shell.h>

static unsigned long bytes, lines;

/*
 * Called with interrupts off, for printk lines and the shell's output alike: it must neither
 * sleep nor print (printing would call it again).
 */
static void constat_write(struct console *con, const char *s, size_t n)
{
	bytes += n;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			lines++;
}

static struct console constat_console = {
	.name = "constat",
	.write = constat_write,
};

static int constat_run(int argc, char **argv)
{
	unsigned long b, l;

	if (argc != 1) {
		console_puts("usage: constat\n");
		return 1;
	}
	/* Read both before printing: the line printed below is counted too. */
	b = READ_ONCE(bytes);
	l = READ_ONCE(lines);
	console_printf("constat: %lu bytes, %lu lines\n", b, l);
	return 0;
}

static const struct shell_command constat_command = {
	.name = "constat",
	.usage = "constat",
	.help = "bytes and lines written to the consoles since constat was loaded",
	.run = constat_run,
};

static int __init constat_init(void)
{
	int err = shell_register_command(&constat_command);

	if (err)
		return err;
	register_console(&constat_console);
	return 0;
}

static void __exit constat_exit(void)
{
	unregister_console(&constat_console);
	shell_unregister_command(&constat_command);
}

module_init(constat_init);
module_exit(constat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exercise solution: a console that counts what is written to it");
