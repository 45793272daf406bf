/*
 * Hardware interrupt lines: drivers' handler registration (Linux's request_irq family, shared
 * lines included), dispatch from the IDT with end-of-interrupt through the line's controller
 * (8259, I/O APIC or MSI: struct irq_chip), and per-line statistics.
 */
#include <keel/export.h>
#include <keel/errno.h>
#include <keel/irqflags.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "irq/apic.h"
#include "irq/irq.h"
#include "irq/irq_internal.h"
#include "irq/pic.h"

struct irq_action {
	irq_handler_t handler;
	void *dev_id;
	const char *name;
	unsigned long flags;
	struct irq_action *next;
};

struct irq_line {
	struct irq_action *actions;
	const struct irq_chip *chip; /* NULL: no controller delivers this IRQ */
	void *chip_data;
	u32 hwirq;                  /* the controller's number: 8259 line, GSI, MSI index */
	bool level;                 /* level triggered (shown as "fasteoi", as Linux does) */
	unsigned int disable_depth; /* disable_irq() nesting */
	u64 count;                  /* interrupts dispatched */
	u64 unhandled;              /* ... that no handler claimed */
};

static struct irq_line irq_lines[NR_IRQS];
static u64 irq_spurious_count;

void irq_line_set_chip(unsigned int irq, const struct irq_chip *chip, void *chip_data,
		       u32 hwirq, bool level)
{
	struct irq_line *line = &irq_lines[irq];

	line->chip = chip;
	line->chip_data = chip_data;
	line->hwirq = hwirq;
	line->level = level;
	line->disable_depth = 0;
	line->count = line->unhandled = 0;
}

bool irq_line_has_chip(unsigned int irq)
{
	return irq < NR_IRQS && irq_lines[irq].chip;
}

const struct irq_chip *irq_line_chip(unsigned int irq)
{
	return irq < NR_IRQS ? irq_lines[irq].chip : NULL;
}

/* Unmasked exactly when the line has handlers and nobody disabled it. */
static void irq_update_mask(unsigned int irq)
{
	struct irq_line *line = &irq_lines[irq];

	if (!line->chip)
		return;
	if (line->actions && line->disable_depth == 0)
		line->chip->irq_unmask(irq, line->chip_data, line->hwirq);
	else
		line->chip->irq_mask(irq, line->chip_data, line->hwirq);
}

static int irq_check_sharing(const struct irq_line *line, unsigned long flags, void *dev_id)
{
	if (!line->actions)
		return 0;
	if (!(flags & IRQF_SHARED) || !(line->actions->flags & IRQF_SHARED))
		return -EBUSY;
	for (const struct irq_action *a = line->actions; a; a = a->next)
		if (a->dev_id == dev_id)
			return -EBUSY; /* free_irq could not tell the two apart */
	return 0;
}

int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name,
		void *dev_id)
{
	struct irq_action *action, **tail;
	unsigned long irqflags;
	int err;

	if (!irq_line_has_chip(irq) || !handler || ((flags & IRQF_SHARED) && !dev_id))
		return -EINVAL;
	/* Atomic: console hand-overs install handlers with interrupts off (see irq.h). */
	action = kmalloc(sizeof(*action), GFP_ATOMIC);
	if (!action)
		return -ENOMEM;
	*action = (struct irq_action){ handler, dev_id, name ? name : "?", flags, NULL };
	local_irq_save(irqflags);
	err = irq_check_sharing(&irq_lines[irq], flags, dev_id);
	if (err)
		goto out_free_action;
	for (tail = &irq_lines[irq].actions; *tail; tail = &(*tail)->next)
		;
	*tail = action;
	irq_update_mask(irq);
	local_irq_restore(irqflags);
	return 0;

out_free_action:
	local_irq_restore(irqflags);
	kfree(action);
	return err;
}
EXPORT_SYMBOL(request_irq);

void free_irq(unsigned int irq, void *dev_id)
{
	struct irq_action *found = NULL;
	unsigned long irqflags;

	if (irq >= NR_IRQS)
		return;
	local_irq_save(irqflags);
	for (struct irq_action **pp = &irq_lines[irq].actions; *pp; pp = &(*pp)->next) {
		if ((*pp)->dev_id == dev_id) {
			found = *pp;
			*pp = found->next;
			break;
		}
	}
	irq_update_mask(irq);
	local_irq_restore(irqflags);
	if (!found) {
		pr_warn("irq: free_irq(%u): no handler registered with dev_id %p\n", irq, dev_id);
		return;
	}
	kfree(found);
}
EXPORT_SYMBOL(free_irq);

static bool addr_in(const void *p, unsigned long start, unsigned long end)
{
	return (unsigned long)p >= start && (unsigned long)p < end;
}

/* Frees every handler whose code or dev_id lies in [start, end): a module being torn down must
 * leave nothing behind that points into its memory. Returns how many were freed. */
unsigned int irq_release_range(unsigned long start, unsigned long end, const char *owner)
{
	unsigned int freed = 0;

	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		struct irq_action *victim = NULL;
		unsigned long irqflags;

		local_irq_save(irqflags);
		for (struct irq_action **pp = &irq_lines[irq].actions; *pp; pp = &(*pp)->next) {
			if (addr_in((void *)(*pp)->handler, start, end) ||
			    addr_in((*pp)->dev_id, start, end)) {
				victim = *pp;
				*pp = victim->next;
				break;
			}
		}
		irq_update_mask(irq);
		local_irq_restore(irqflags);
		if (victim) {
			pr_warn("%s: IRQ %u handler \"%s\" was still registered; freed it\n", owner,
				irq, victim->name);
			kfree(victim);
			freed++;
			irq--; /* look at the same line again */
		}
	}
	return freed;
}

void irq_release_line(unsigned int irq, const char *owner)
{
	struct irq_action *victim;
	unsigned long irqflags;

	for (;;) {
		local_irq_save(irqflags);
		victim = irq_lines[irq].actions;
		if (victim)
			irq_lines[irq].actions = victim->next;
		irq_update_mask(irq);
		local_irq_restore(irqflags);
		if (!victim)
			return;
		pr_warn("%s: IRQ %u handler \"%s\" was still registered; freed it\n", owner, irq,
			victim->name);
		kfree(victim);
	}
}

void disable_irq(unsigned int irq)
{
	unsigned long irqflags;

	if (irq >= NR_IRQS)
		return;
	local_irq_save(irqflags);
	irq_lines[irq].disable_depth++;
	irq_update_mask(irq);
	local_irq_restore(irqflags);
}
EXPORT_SYMBOL(disable_irq);

void enable_irq(unsigned int irq)
{
	unsigned long irqflags;

	if (irq >= NR_IRQS)
		return;
	local_irq_save(irqflags);
	if (irq_lines[irq].disable_depth == 0)
		pr_warn("irq: unbalanced enable_irq(%u)\n", irq);
	else
		irq_lines[irq].disable_depth--;
	irq_update_mask(irq);
	local_irq_restore(irqflags);
}
EXPORT_SYMBOL(enable_irq);

/*
 * Handlers in modules are called without a module reference (try_module_get): they run with
 * interrupts off (interrupt gates; nothing here enables them) on the one CPU, and free_irq()
 * and irq_release_range() unlink with interrupts off too. So once free_irq() returns no handler
 * is running or can start, and the module's exit may free what the handler used: Linux's
 * synchronize_irq() for free. A handler still runs while its module's exit runs (drivers wait
 * for their last interrupts there), which is why a going module is not refused here.
 */
void irq_dispatch(unsigned int irq)
{
	struct irq_line *line = &irq_lines[irq];
	const struct irq_chip *chip = line->chip;
	irqreturn_t ret = IRQ_NONE;

	if (!chip) {
		/* A vector nobody owns (an MSI freed while in flight): the APIC still wants its EOI. */
		irq_spurious_count++;
		if (lapic_enabled())
			lapic_eoi();
		return;
	}
	if (chip->irq_is_spurious && chip->irq_is_spurious(irq, line->chip_data, line->hwirq)) {
		irq_spurious_count++;
		return;
	}
	line->count++;
	for (struct irq_action *a = line->actions; a; a = a->next)
		ret |= a->handler((int)irq, a->dev_id);
	if (ret == IRQ_NONE)
		line->unhandled++;
	if (chip->irq_eoi)
		chip->irq_eoi(irq, line->chip_data, line->hwirq);
	else
		lapic_eoi(); /* MSI: straight to the Local APIC */
}

void irq_dispatch_vector(unsigned int vector)
{
	/* The Local APIC's spurious vector is not in service: no EOI (SDM 11.9). */
	if (vector == LAPIC_SPURIOUS_VECTOR)
		irq_spurious_count++;
	else
		irq_dispatch(vector - IRQ_VECTOR_BASE);
}

/* "name1, name2" for the handlers of one line. */
static void irq_format_names(const struct irq_line *line, char *buf, size_t size)
{
	buf[0] = '\0';
	for (const struct irq_action *a = line->actions; a; a = a->next) {
		if (a != line->actions)
			strlcat(buf, ", ", size);
		strlcat(buf, a->name, size);
	}
}

bool irq_snapshot(unsigned int irq, struct irq_info *info)
{
	struct irq_line copy;
	unsigned long irqflags;

	if (irq >= NR_IRQS)
		return false;
	local_irq_save(irqflags);
	copy = irq_lines[irq];
	irq_format_names(&copy, info->names, sizeof(info->names));
	local_irq_restore(irqflags);
	info->count = copy.count;
	info->unhandled = copy.unhandled;
	info->disabled = copy.disable_depth != 0;
	info->chip = copy.chip ? copy.chip->name : "none";
	snprintf(info->hw, sizeof(info->hw), "%u-%s", copy.hwirq, copy.level ? "fasteoi" : "edge");
	return copy.actions || copy.count;
}

u64 irq_spurious(void)
{
	return irq_spurious_count;
}

void irq_show_stats(void (*out)(const char *line))
{
	struct irq_info info;
	char text[160];

	out(" IRQ      count  unhandled  chip     hw          handlers");
	for (unsigned int irq = 0; irq < NR_IRQS; irq++) {
		if (!irq_snapshot(irq, &info))
			continue;
		snprintf(text, sizeof(text), "%4u %10llu %10llu  %-8s %-11s %s%s", irq,
			 (unsigned long long)info.count, (unsigned long long)info.unhandled,
			 info.chip, info.hw, info.names[0] ? info.names : "-",
			 info.disabled ? " (disabled)" : "");
		out(text);
	}
	snprintf(text, sizeof(text), " spurious: %llu, MSI vectors in use: %u",
		 (unsigned long long)irq_spurious_count, irq_msi_in_use());
	out(text);
}
