/* Brings the module subsystem up at boot: the export table, oops hooks, commands, /etc/modules. */
#include <keel/printk.h>
#include "module/exports.h"
#include "module/module.h"

void module_subsystem_init(void)
{
	int err = export_table_init();

	if (err) {
		pr_err("modules: cannot build the kernel export table (%d); modules disabled\n", err);
		return;
	}
	module_install_oops_hooks();
	module_register_commands();
	module_register_symbench();
	module_autoload_init();
	module_load_boot_list();
	module_autoload_flush();
	module_push_init();
}
