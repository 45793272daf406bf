/* Shared between the module subsystem's own files (load.c, core.c, ...); not for other code. */
#ifndef KEEL_MODULE_MODULE_INTERNAL_H
#define KEEL_MODULE_MODULE_INTERNAL_H

#include "module/module.h"

void module_list_add(struct module *mod);
void module_list_del(struct module *mod);
int module_add_exports(struct module *mod, const struct load_info *info);
void module_account_taint(struct module *mod);
/* Unregisters whatever the module left registered (IRQs, commands, consoles). */
/* Reclaims what a module left registered in its memory range (threads, IRQs, timers, works,
 * commands...); returns how many of its threads would not stop (its memory must then stay). */
unsigned int module_release_resources(struct module *mod);
/* Keeps a module whose threads would not stop: listed, Unloading, memory kept. */
void module_keep_stuck(struct module *mod, unsigned int stuck);
void module_free_struct(struct module *mod);

#endif
