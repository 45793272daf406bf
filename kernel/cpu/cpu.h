/* CPU setup (GDT, TSS, IDT, exceptions), oops reporting and on-purpose crashes. */
#ifndef KEEL_CPU_CPU_H
#define KEEL_CPU_CPU_H

#include <keel/types.h>

void cpu_init(void);

/* "pf", "gp", "ud", "de", "df": fault on purpose (shell `crash`); -EINVAL for anything else. */
int crash_trigger(const char *kind);

/* "name+0xoff/0xsize" for a kernel text address; 0, or -ENOENT when no symbol covers it. */
int kallsyms_lookup(unsigned long addr, char *buf, size_t size);

/* Hooks the module subsystem fills in: symbolize module addresses as "[mod] fn+0xoff/0xsize"
 * and print the loaded modules and taint in an oops. NULL until modules exist. */
extern int (*oops_symbolize_hook)(unsigned long addr, char *buf, size_t size);
extern void (*oops_print_modules_hook)(void);

#endif
