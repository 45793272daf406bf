/*
 * mmap(2)/mprotect(2)/msync(2)/mremap(2) protection and mapping flags, with Linux's x86_64 values (its
 * <uapi/asm-generic/mman-common.h>): user programs pass them unchanged.
 */
#ifndef KEEL_MMAN_H
#define KEEL_MMAN_H

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE 0x0f
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

#define MS_ASYNC 1
#define MS_INVALIDATE 2
#define MS_SYNC 4

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2

#endif
