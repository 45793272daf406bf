/*
 * mmap(2)/mprotect(2) protection and mapping flags, with Linux's x86_64 values (its
 * <uapi/asm-generic/mman-common.h>): user programs pass them unchanged.
 */
#ifndef KEEL_MMAN_H
#define KEEL_MMAN_H

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

#endif
