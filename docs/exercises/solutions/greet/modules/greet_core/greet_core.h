/* What greet_core exports to the modules stacked on it (included by greet_user). */
#ifndef GREET_CORE_H
#define GREET_CORE_H

const char *greet_name(void);   /* the `name` parameter (EXPORT_SYMBOL_GPL) */
unsigned int greet_count(void); /* counts one more greeting, returns the total (GPL) */

#endif
