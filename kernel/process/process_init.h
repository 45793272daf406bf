/* Boot-time setup of processes, called by kernel_init (kernel/init/main.c). */
#ifndef KEEL_PROCESS_INIT_H
#define KEEL_PROCESS_INIT_H

/* Registers the built-in executable formats and the `run` shell command. Task context. */
void process_init(void);
/* kernel/fs/binfmt_elf.c: registers the ELF format (the module's init, once it is one). */
void binfmt_elf_init(void);

#endif
