/* test_timer's pieces: wqtest.c checks the workqueue API's semantics from a shell command. */
#ifndef TEST_TIMER_H
#define TEST_TIMER_H

int wqtest_register(void);
void wqtest_unregister(void);

#endif
