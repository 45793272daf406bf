/* Shared by test_modref's files: running rmmod of this very module and saying what it gave. */
#ifndef TEST_MODREF_H
#define TEST_MODREF_H

/* Runs "rmmod test_modref" as the shell would, prints "test_modref: <who>: rmmod refused" (or
 * "succeeded"), and returns -EBUSY when it was refused, else 0. */
int modref_rmmod_self(const char *who);

int modref_hooks_init(void);
void modref_hooks_exit(void);

#endif
