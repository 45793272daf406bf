/* What test_stack_a exports to the modules stacked on it (included by test_stack_b). */
#ifndef TEST_STACK_A_H
#define TEST_STACK_A_H

int stack_a_add(int a, int b);     /* EXPORT_SYMBOL */
int stack_a_secret(void);          /* EXPORT_SYMBOL_GPL */

#define STACK_A_SECRET 4242

#endif
