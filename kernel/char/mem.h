/* The built-in character devices of kernel/char/: the memory devices and their generator. */
#ifndef KEEL_CHAR_MEM_H
#define KEEL_CHAR_MEM_H

#include <keel/types.h>

#define MEM_MAJOR 1 /* null 3, zero 5, full 7, random 8, urandom 9 */

/* Seeds the generator and says from what; true when the CPU's RDSEED/RDRAND contributed.
 * Boot, once. */
bool random_init(void);
/* Fills buf with len pseudo-random bytes (not for cryptography). Never sleeps. Linux:
 * get_random_bytes. */
void get_random_bytes(void *buf, size_t len);
/* Registers major 1 (null, zero, full, random, urandom) and makes their /dev nodes. */
void mem_devices_init(void);

#endif
