/*
 * Executable formats and exec (Linux's <linux/binfmts.h>): a struct linux_binfmt knows one
 * file format; kernel_execve() reads the file into a struct linux_binprm and asks each
 * registered format in turn to load it into a fresh address space. The formats are modules:
 * ELF (binfmt_elf.ko, modules/binfmt_elf/) and `#!` scripts (binfmt_script.ko), which name
 * an interpreter for exec to load in their place. See docs/user.md.
 */
#ifndef KEEL_BINFMTS_H
#define KEEL_BINFMTS_H

#include <keel/list.h>
#include <keel/types.h>

struct mm_struct;
struct module;

/* Bytes of argument and environment strings a program may get (Linux: a quarter of the
 * stack limit; 128 KiB keeps the initial stack small here). */
#define MAX_ARG_STRLEN_TOTAL (128 * 1024)
#define MAX_ARG_STRINGS 4096
/* The largest executable read (the whole file is read in this slice). */
#define MAX_EXEC_FILE_SIZE (64UL << 20)
/* Interpreters exec follows (a script run by a script...) before -ELOOP: Linux's 5 levels
 * past the program itself (fs/exec.c exec_binprm). */
#define BINPRM_MAX_DEPTH 5
/* The bytes of a file's start formats look at for a `#!` line (Linux's BINPRM_BUF_SIZE). */
#define BINPRM_BUF_SIZE 256

struct linux_binprm {
	const char *filename;     /* the path as given (AT_EXECFN, messages) */
	const u8 *buf;            /* the whole file */
	size_t size;
	char *const *argv;        /* kernel strings, NULL-terminated */
	char *const *envp;
	int argc, envc;
	struct mm_struct *mm;     /* the address space being built; installed on success */
	unsigned long entry;      /* filled by the format: the first user instruction */
	unsigned long p;          /* filled by the format: the initial user stack pointer */
	bool recognized;          /* set by a format that knew the file but refused it (and said
				   * why): no other format is tried */
	/* Interpreters (binfmt_script): interp is the name the next script passes its
	 * interpreter, the program's path at first (Linux's bprm->interp). A format that wants
	 * another file loaded in its place sets interpreter (a path) and may replace argv with
	 * an array it allocated, handed over in argv_owned[depth] (exec kfrees them all). */
	const char *interp;
	const char *interpreter;
	void *argv_owned[BINPRM_MAX_DEPTH + 1];
	unsigned int depth;       /* interpreters followed so far */
};

struct linux_binfmt {
	struct list_head lh;
	const char *name;
	/* 0 when bprm->mm now holds the program (entry and p set), or bprm->interpreter names
	 * the file to load instead; -ENOEXEC when the file is not this format (the next one is
	 * tried); any other errno ends the exec. */
	int (*load_binary)(struct linux_binprm *bprm);
	struct module *module;
};

/* Adds fmt at the end of the list of formats tried (insert_binfmt would put it first). Task
 * context. Follows Linux's register_binfmt(). */
void register_binfmt(struct linux_binfmt *fmt);
/* Removes fmt; the caller makes sure no exec is using it. Follows unregister_binfmt(). */
void unregister_binfmt(struct linux_binfmt *fmt);

/*
 * Replaces the current task's user address space with the program at filename, run with argv
 * and envp (kernel arrays, NULL-terminated) and sets its user registers (current_pt_regs())
 * to start it; the caller then returns to user mode. Returns 0, or -ENOENT/-EACCES/... (the
 * file), -EFBIG (over MAX_EXEC_FILE_SIZE), -E2BIG (arguments over MAX_ARG_STRLEN_TOTAL or
 * MAX_ARG_STRINGS), -ENOMEM, -ENOEXEC (no format accepted it, or it is malformed: one line
 * says why). On error the current address space is untouched. Task context. Follows Linux's
 * kernel_execve().
 */
int kernel_execve(const char *filename, char *const argv[], char *const envp[]);

/* Copies len bytes from src to user address addr of mm, which need not be the current one
 * (pages inside VMAs, allocated as needed, whatever the VMA's protection). 0, or -EFAULT
 * when part of the range lies in no VMA or memory ran out. Task context. For formats
 * building an image (Linux's loaders use copy_to_user/clear_user on the new mm instead). */
int copy_to_mm(struct mm_struct *mm, unsigned long addr, const void *src, size_t len);

#endif
