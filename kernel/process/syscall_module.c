/*
 * The module part of the system call table (<keel/syscall.h>): numbers from
 * SYSCALL_MODULE_FIRST on, each a handler and its owner module. A call looks the slot up and
 * pins the owner under the lock, then runs with the lock dropped: the owner cannot finish its
 * exit (which unregisters) while the call runs. lsmod and /proc/modules list a module's
 * calls among its users.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include <keel/syscall.h>
#include "process/syscalls.h"

struct module_syscall {
	syscall_handler_t handler;
	struct module *owner;
};

static struct module_syscall module_calls[SYSCALL_MODULE_COUNT];
static DEFINE_SPINLOCK(module_calls_lock);

static bool module_nr(unsigned long nr)
{
	return nr >= SYSCALL_MODULE_FIRST && nr < SYSCALL_MODULE_FIRST + SYSCALL_MODULE_COUNT;
}

int syscall_register(unsigned int nr, syscall_handler_t handler, struct module *owner)
{
	struct module_syscall *slot;
	int err = 0;

	if (!module_nr(nr) || !handler)
		return -EINVAL;
	slot = &module_calls[nr - SYSCALL_MODULE_FIRST];
	spin_lock(&module_calls_lock);
	if (slot->handler) {
		err = -EBUSY;
	} else {
		slot->handler = handler;
		slot->owner = owner;
	}
	spin_unlock(&module_calls_lock);
	if (!err)
		pr_info("syscall: %u registered by %s\n", nr, module_name(owner));
	return err;
}
EXPORT_SYMBOL_GPL(syscall_register);

void syscall_unregister(unsigned int nr)
{
	if (!module_nr(nr))
		return;
	spin_lock(&module_calls_lock);
	module_calls[nr - SYSCALL_MODULE_FIRST].handler = NULL;
	module_calls[nr - SYSCALL_MODULE_FIRST].owner = NULL;
	spin_unlock(&module_calls_lock);
}
EXPORT_SYMBOL_GPL(syscall_unregister);

int module_syscall_next(const struct module *mod, unsigned int from)
{
	int nr = -1;

	spin_lock(&module_calls_lock);
	for (unsigned int n = from < SYSCALL_MODULE_FIRST ? SYSCALL_MODULE_FIRST : from;
	     nr < 0 && module_nr(n); n++)
		if (module_calls[n - SYSCALL_MODULE_FIRST].handler &&
		    module_calls[n - SYSCALL_MODULE_FIRST].owner == mod)
			nr = (int)n;
	spin_unlock(&module_calls_lock);
	return nr;
}

bool module_syscall(unsigned long nr, const struct pt_regs *r, long *ret)
{
	struct module_syscall call = { NULL, NULL };

	if (!module_nr(nr))
		return false;
	spin_lock(&module_calls_lock);
	call = module_calls[nr - SYSCALL_MODULE_FIRST];
	if (call.handler && !try_module_get(call.owner))
		call.handler = NULL; /* its module is going away */
	spin_unlock(&module_calls_lock);
	if (!call.handler)
		return false;
	*ret = call.handler(r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9);
	module_put(call.owner);
	return true;
}
