/*
 * _RET_IP_ and _THIS_IP_, as in Linux's <linux/instruction_pointer.h>: code addresses that name
 * "who called me" (the heap records them as block owners) and "where am I".
 */
#ifndef KEEL_INSTRUCTION_POINTER_H
#define KEEL_INSTRUCTION_POINTER_H

/* The return address of the current function: an address inside its caller. */
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
/* An address inside the current function. */
#define _THIS_IP_ ({ __label__ __here; __here: (unsigned long)&&__here; })

#endif
