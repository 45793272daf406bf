/*
 * The kernel's exception table: the __ex_table section collects (instruction, fixup) pairs
 * from every _ASM_EXTABLE (<keel/uaccess.h>). It is short (the uaccess helpers only), so a
 * linear search is fine and the section need not be sorted. Modules have none yet.
 */
#include <keel/uaccess.h>
#include "cpu/traps.h"

extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

unsigned long search_exception_tables(unsigned long ip)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == ip)
			return e->fixup;
	return 0;
}
