/*
 * /proc/modules, in Linux's format so busybox lsmod (and anything parsing Linux's file)
 * reads it: "name size refcount users state address", users as "a,b," or "-", e.g.
 * "ata 20480 1 - Live 0xffffffffc0002000", then " (P)" for a module that tainted the kernel.
 * System calls a module added count among its users: "sysdemo 8192 0 [syscall:500], Live".
 * The address is the real one: there is no kernel pointer hiding.
 */
#include <keel/proc_fs.h>
#include <keel/syscall.h>
#include "module/module.h"

static void modules_print_users(struct seq_file *m, const struct module *mod)
{
	bool any = false;

	for (struct module *u = module_list_first(); u; u = u->next) {
		if (module_uses(u, mod)) {
			seq_printf(m, "%s,", u->name);
			any = true;
		}
	}
	for (int nr = module_syscall_next(mod, 0); nr >= 0;
	     nr = module_syscall_next(mod, (unsigned int)nr + 1)) {
		seq_printf(m, "[syscall:%d],", nr);
		any = true;
	}
	if (mod->init && !mod->exit) {
		seq_puts(m, "[permanent],");
		any = true;
	}
	if (!any)
		seq_putc(m, '-');
}

static const char *modules_state(enum module_state state)
{
	switch (state) {
	case MODULE_STATE_LIVE:
		return "Live";
	case MODULE_STATE_LOADING:
		return "Loading";
	default:
		return "Unloading";
	}
}

/* Linux's " (POE)": the taint letters this module caused, after the address. */
static void modules_print_taints(struct seq_file *m, const struct module *mod)
{
	char taints[16];

	taint_string(mod->taints, taints, sizeof(taints));
	if (*taints)
		seq_printf(m, " (%s)", taints);
}

static int modules_proc_show(struct seq_file *m, void *v)
{
	mutex_lock(&module_mutex);
	for (struct module *mod = module_list_first(); mod; mod = mod->next) {
		seq_printf(m, "%s %lu %u ", mod->name, (unsigned long)mod->layout.total_size,
			   module_users(mod, NULL) + (unsigned int)mod->refcnt);
		modules_print_users(m, mod);
		seq_printf(m, " %s 0x%016lx", modules_state(mod->state), (unsigned long)mod->mem);
		modules_print_taints(m, mod);
		seq_putc(m, '\n');
	}
	mutex_unlock(&module_mutex);
	return 0;
}

void proc_modules_init(void)
{
	proc_create_single("modules", 0, NULL, modules_proc_show);
}
