/*
 * A process's address space (Linux's <linux/mm_types.h>): struct mm_struct owns the user half
 * of a PML4 and the list of struct vm_area_struct that says which user addresses are valid.
 * The kernel half of every PML4 is the kernel's own (shared PDPTs). See docs/user.md.
 */
#ifndef KEEL_MM_TYPES_H
#define KEEL_MM_TYPES_H

#include <keel/layout.h>
#include <keel/list.h>
#include <keel/types.h>

struct file;

/* User addresses are below this (Linux's TASK_SIZE_MAX: one guard page under the canonical
 * hole, so no user access can run into non-canonical addresses). */
#define TASK_SIZE 0x00007ffffffff000UL
/* The initial stack's top, its VMA's size (RLIMIT_STACK within these) and the unmapped gap
 * kept under it. */
#define STACK_TOP TASK_SIZE
#define STACK_SIZE_MAX (8UL << 20)
#define STACK_SIZE_MIN (256UL << 10) /* RLIMIT_STACK below this still gets this much */
#define STACK_GUARD_GAP (1UL << 20)
/* Where mmap() searches downwards from: under the stack and its guard gap. */
#define MMAP_BASE (STACK_TOP - STACK_SIZE_MAX - STACK_GUARD_GAP)
/* Load address of static-PIE (ET_DYN) executables, Linux's ELF_ET_DYN_BASE without ASLR. */
#define ELF_ET_DYN_BASE 0x555555554000UL

/* vm_flags (Linux's values; "mm/mm.h" defines the first three identically for vmm_*()). */
#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_SHARED 0x8   /* MAP_SHARED: writes reach the file (or the other processes) */
#define VM_MAYWRITE 0x20 /* mprotect may add VM_WRITE (a shared file opened read-only may not) */
#define VM_GROWSDOWN 0x100 /* the stack: documents intent; it does not grow past its size */

struct vm_area_struct {
	unsigned long vm_start; /* first address, page aligned */
	unsigned long vm_end;   /* one past the last, page aligned */
	unsigned long vm_flags; /* VM_READ | VM_WRITE | VM_EXEC | VM_SHARED | ... */
	struct file *vm_file;   /* a file mapping's file (a reference), NULL for anonymous */
	u64 vm_pgoff;           /* the file page mapped at vm_start */
	struct list_head vm_list; /* in mm_struct.mmap, sorted by address, never overlapping */
};

struct mm_struct {
	u64 *pgd;               /* the PML4 (direct-map address); upper half = kernel's */
	int mm_users;           /* tasks using it: 1, 2 while a vfork child borrows it */
	struct list_head mmap;  /* the VMAs, sorted */
	unsigned long start_brk, brk; /* the heap: [start_brk, brk) is valid */
	unsigned long start_stack;    /* the initial stack pointer */
	unsigned long nr_pages;       /* user pages mapped (statistics) */
	unsigned long nr_ptes;        /* page-table pages below the PML4 */
	/* Where exec left the argument and environment strings on the stack (/proc/PID/cmdline
	 * and environ read them back), and the program's absolute path (/proc/PID/exe; NULL
	 * before the first exec). Set by exec, copied by fork. */
	unsigned long arg_start, arg_end, env_start, env_end;
	char *exe_path;
};

#endif
