/*
 * Module references: what keeps a module's code in memory while the kernel calls into it.
 * Every call from the kernel into module code that may sleep (shell commands, probe/remove,
 * tty and line-discipline hooks) holds a reference for the duration of the call; rmmod
 * refuses with -EBUSY while one is held. The check and the switch to GOING happen under one
 * IRQ-safe lock (module_try_stop), so no call can slip in between them: from then on
 * try_module_get() fails and the callers refuse the call with a clear message.
 *
 * Calls made with interrupts off (IRQ handlers, timer callbacks, console writes, input
 * handlers) need no reference on this single-CPU kernel: nothing else runs while they do, and
 * each unregistration (free_irq, del_timer, unregister_console, input_unregister_*) removes
 * the hook with interrupts off too, so once it returns no call is running or can start.
 */
#include <keel/bug.h>
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/preempt.h>
#include <keel/printk.h>
#include <keel/spinlock.h>
#include "module/module_internal.h"

/* Orders refcnt changes against the GOING switch; taken from interrupt handlers too. */
static DEFINE_SPINLOCK(module_ref_lock);

bool try_module_get(struct module *mod)
{
	unsigned long flags;
	bool ok;

	if (!mod)
		return true;
	spin_lock_irqsave(&module_ref_lock, flags);
	ok = mod->state != MODULE_STATE_GOING;
	if (ok)
		mod->refcnt++;
	spin_unlock_irqrestore(&module_ref_lock, flags);
	return ok;
}
EXPORT_SYMBOL(try_module_get);

void __module_get(struct module *mod)
{
	unsigned long flags;

	if (!mod)
		return;
	spin_lock_irqsave(&module_ref_lock, flags);
	mod->refcnt++;
	spin_unlock_irqrestore(&module_ref_lock, flags);
}
EXPORT_SYMBOL(__module_get);

void module_put(struct module *mod)
{
	unsigned long flags;

	if (!mod)
		return;
	spin_lock_irqsave(&module_ref_lock, flags);
	if (!WARN_ON(mod->refcnt <= 0))
		mod->refcnt--;
	spin_unlock_irqrestore(&module_ref_lock, flags);
}
EXPORT_SYMBOL(module_put);

const char *module_name(const struct module *mod)
{
	return mod ? mod->name : "kernel";
}
EXPORT_SYMBOL(module_name);

/*
 * The loaded module whose memory holds addr, or NULL (built-in code). Preemption is off while
 * the list is walked: modules are only freed by tasks, so none can go meanwhile. The result
 * stays valid as long as something of that module registered at addr does.
 */
struct module *__module_address(unsigned long addr)
{
	struct module *found = NULL;

	preempt_disable();
	for (struct module *m = module_list_first(); m; m = m->next) {
		unsigned long start = (unsigned long)m->mem;

		if (addr >= start && addr - start < m->layout.total_size) {
			found = m;
			break;
		}
	}
	preempt_enable();
	return found;
}

bool module_shell_call_begin(struct module *mod)
{
	unsigned long flags;

	if (!try_module_get(mod))
		return false;
	if (mod) {
		spin_lock_irqsave(&module_ref_lock, flags);
		mod->shell_calls++;
		spin_unlock_irqrestore(&module_ref_lock, flags);
	}
	return true;
}

void module_shell_call_end(struct module *mod)
{
	unsigned long flags;

	if (mod) {
		spin_lock_irqsave(&module_ref_lock, flags);
		mod->shell_calls--;
		spin_unlock_irqrestore(&module_ref_lock, flags);
	}
	module_put(mod);
}

static void module_report_busy(const struct module *mod, int refcnt, int shell_calls)
{
	if (shell_calls)
		pr_err("rmmod: %s is in use (running its shell command)\n", mod->name);
	else
		pr_err("rmmod: %s is in use (%d reference%s held)\n", mod->name, refcnt,
		       refcnt == 1 ? "" : "s");
}

int module_check_unpinned(struct module *mod)
{
	int refcnt, shell_calls;
	unsigned long flags;

	spin_lock_irqsave(&module_ref_lock, flags);
	refcnt = mod->refcnt;
	shell_calls = mod->shell_calls;
	spin_unlock_irqrestore(&module_ref_lock, flags);
	if (!refcnt)
		return 0;
	module_report_busy(mod, refcnt, shell_calls);
	return -EBUSY;
}

int module_try_stop(struct module *mod)
{
	int refcnt, shell_calls;
	unsigned long flags;

	spin_lock_irqsave(&module_ref_lock, flags);
	refcnt = mod->refcnt;
	shell_calls = mod->shell_calls;
	if (!refcnt)
		mod->state = MODULE_STATE_GOING; /* from here on try_module_get() fails */
	spin_unlock_irqrestore(&module_ref_lock, flags);
	if (!refcnt)
		return 0;
	module_report_busy(mod, refcnt, shell_calls);
	return -EBUSY;
}

void module_set_going(struct module *mod)
{
	unsigned long flags;

	spin_lock_irqsave(&module_ref_lock, flags);
	mod->state = MODULE_STATE_GOING;
	spin_unlock_irqrestore(&module_ref_lock, flags);
}

#define MODULE_UNPIN_WAIT_MS 5000
#define MODULE_UNPIN_POLL_MS 10

/*
 * After a failed init: calls that started while init ran (a command it registered, run from
 * another task) must end before the memory goes. New ones already fail (GOING). Polls rather
 * than waits on a queue: this is a rare error path, and module_put stays IRQ-safe and cheap.
 */
int module_wait_unpinned(struct module *mod)
{
	unsigned int waited = 0;

	while (READ_ONCE(mod->refcnt) > 0 && waited < MODULE_UNPIN_WAIT_MS) {
		if (!waited)
			pr_warn("%s: waiting for %d call(s) into the module to end\n", mod->name,
				READ_ONCE(mod->refcnt));
		msleep(MODULE_UNPIN_POLL_MS);
		waited += MODULE_UNPIN_POLL_MS;
	}
	if (!READ_ONCE(mod->refcnt))
		return 0;
	pr_err("%s: %d reference(s) still held after %u ms; keeping its memory\n", mod->name,
	       READ_ONCE(mod->refcnt), MODULE_UNPIN_WAIT_MS);
	return -EBUSY;
}
