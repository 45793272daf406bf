/* Boot-time setup of processes, called by kernel_init (kernel/init/main.c). */
#ifndef KEEL_PROCESS_INIT_H
#define KEEL_PROCESS_INIT_H

/* Registers the `run` shell command. Task context. */
void process_init(void);

#endif
