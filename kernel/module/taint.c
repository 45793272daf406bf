/*
 * Kernel taint (why a bug report may not be trustworthy) and the module part of an oops:
 * module addresses symbolized as "[mod] fn+0xoff/0xsize", the module list and the taint.
 */
#include <keel/printk.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "module/module.h"

static unsigned long taint_mask;

/* Linux's letters for the flags Keel uses; index = TAINT_* bit. */
static const struct {
	unsigned int bit;
	char letter;
} taint_letters[] = {
	{ TAINT_PROPRIETARY_MODULE, 'P' },
	{ TAINT_OOT_MODULE, 'O' },
};

void add_taint(unsigned int flag)
{
	taint_mask |= 1UL << flag;
}

unsigned long kernel_taints(void)
{
	return taint_mask;
}

void taint_string(unsigned long taints, char *buf, size_t size)
{
	size_t n = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(taint_letters) && n + 1 < size; i++)
		if (taints & (1UL << taint_letters[i].bit))
			buf[n++] = taint_letters[i].letter;
	if (size)
		buf[n < size ? n : size - 1] = '\0';
}

static struct module *module_at(unsigned long addr)
{
	for (struct module *m = module_list_first(); m; m = m->next)
		if (addr >= (unsigned long)m->mem &&
		    addr < (unsigned long)m->mem + m->layout.total_size)
			return m;
	return NULL;
}

static int module_symbolize(unsigned long addr, char *buf, size_t size)
{
	struct module *mod = module_at(addr);
	const char *name;
	u64 off, len;

	if (!mod)
		return -ENOENT;
	if (module_lookup_address(&mod->syms, addr, &name, &off, &len))
		snprintf(buf, size, "[%s] %s+0x%lx/0x%lx", mod->name, name, (unsigned long)off,
			 (unsigned long)len);
	else
		snprintf(buf, size, "[%s] 0x%lx", mod->name, addr);
	return 0;
}

static void module_print_oops_info(void)
{
	char line[256], taints[16];
	size_t n = scnprintf(line, sizeof(line), "Modules linked in:");

	for (struct module *m = module_list_first(); m; m = m->next) {
		taint_string(m->taints, taints, sizeof(taints));
		n += scnprintf(line + n, sizeof(line) - n, " %s%s%s%s", m->name,
			       *taints ? "(" : "", taints, *taints ? ")" : "");
	}
	printk(KERN_EMERG "%s\n", line);
	taint_string(taint_mask, taints, sizeof(taints));
	printk(KERN_EMERG "Tainted: %s\n", *taints ? taints : "none (G)");
}

void module_install_oops_hooks(void)
{
	oops_symbolize_hook = module_symbolize;
	oops_print_modules_hook = module_print_oops_info;
}
