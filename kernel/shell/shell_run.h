/* Entry point of the interactive kernel shell. */
#ifndef KEEL_SHELL_SHELL_RUN_H
#define KEEL_SHELL_SHELL_RUN_H

void shell_run(void); /* runs /etc/rc, then prompts "keel> " forever */

#endif
