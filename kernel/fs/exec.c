/*
 * exec: the list of executable formats (register_binfmt) and kernel_execve(), which reads the
 * file, builds a new address space through the first format that accepts it and points the
 * process's saved user registers at the program's entry. A format may name an interpreter
 * to load instead (a `#!` script): exec then reads that file and asks the formats again, up
 * to BINPRM_MAX_DEPTH times (Linux's exec_binprm). The old address space (if any) is
 * dropped only once the new one is complete, so a failed exec leaves the caller as it was.
 */
#include <keel/binfmts.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include "cpu/cpu.h"
#include "cpu/traps.h"
#include "fs/internal.h"

#define RFLAGS_IF (1UL << 9)
#define RFLAGS_RESERVED1 (1UL << 1)

static LIST_HEAD(formats);
static DEFINE_SPINLOCK(binfmt_lock); /* the list; a format in use is pinned by its module */

void register_binfmt(struct linux_binfmt *fmt)
{
	spin_lock(&binfmt_lock);
	list_add_tail(&fmt->lh, &formats);
	spin_unlock(&binfmt_lock);
}
EXPORT_SYMBOL_GPL(register_binfmt);

void unregister_binfmt(struct linux_binfmt *fmt)
{
	spin_lock(&binfmt_lock);
	list_del(&fmt->lh);
	spin_unlock(&binfmt_lock);
}
EXPORT_SYMBOL_GPL(unregister_binfmt);

int copy_to_mm(struct mm_struct *mm, unsigned long addr, const void *src, size_t len)
{
	const u8 *s = src;

	while (len) {
		size_t chunk = PAGE_SIZE - (addr & (PAGE_SIZE - 1));
		void *dst = mm_get_page_addr(mm, addr);

		if (!dst)
			return -EFAULT;
		if (chunk > len)
			chunk = len;
		memcpy(dst, s, chunk);
		s += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(copy_to_mm);

/* Counts a NULL-terminated string array and checks the limits; -E2BIG when over. */
static int count_strings(char *const *v, int *count, size_t *bytes)
{
	int n = 0;

	for (; v && v[n]; n++) {
		*bytes += strlen(v[n]) + 1;
		if (n >= MAX_ARG_STRINGS || *bytes > MAX_ARG_STRLEN_TOTAL)
			return -E2BIG;
	}
	*count = n;
	return 0;
}

/* Linux's search_binary_handler: each format in turn, its module pinned during the call (the
 * lock is dropped meanwhile; the entry cannot go, its module's exit cannot run). */
static int try_formats(struct linux_binprm *bprm)
{
	struct linux_binfmt *fmt;
	int err;

	spin_lock(&binfmt_lock);
	list_for_each_entry(fmt, &formats, lh) {
		if (!try_module_get(fmt->module))
			continue;
		spin_unlock(&binfmt_lock);
		err = fmt->load_binary(bprm);
		spin_lock(&binfmt_lock);
		module_put(fmt->module);
		if (err != -ENOEXEC || bprm->recognized) {
			spin_unlock(&binfmt_lock);
			return err;
		}
	}
	spin_unlock(&binfmt_lock);
	pr_info("exec: %s: unknown executable format\n", bprm->filename);
	return -ENOEXEC;
}

/* Installs the new address space and the registers a fresh program starts with (Linux's
 * start_thread): everything zero but RIP, RSP, the segments and RFLAGS.IF. */
static void install_program(struct linux_binprm *bprm)
{
	struct pt_regs *regs = current_pt_regs();
	struct mm_struct *old = current->mm;
	unsigned long flags;

	local_irq_save(flags);
	current->mm = bprm->mm;
	current->fsbase = 0;
	wrmsr(MSR_FS_BASE, 0); /* nothing of the previous program's TLS pointer survives */
	switch_mm(bprm->mm);
	local_irq_restore(flags);
	bprm->mm = NULL;
	mmput(old);
	memset(regs, 0, sizeof(*regs));
	regs->rip = bprm->entry;
	regs->rsp = bprm->p;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = RFLAGS_IF | RFLAGS_RESERVED1;
}

/* The argument limits, for the caller's argv and for each one an interpreter made. */
static int count_args(struct linux_binprm *bprm)
{
	size_t bytes = strlen(bprm->filename) + 1;
	int err = count_strings(bprm->argv, &bprm->argc, &bytes);

	return err ? err : count_strings(bprm->envp, &bprm->envc, &bytes);
}

/* Asks the formats, then follows the interpreters they name: each is read in place of the
 * file before it. -ELOOP past BINPRM_MAX_DEPTH, as Linux's exec_binprm. */
static int exec_binprm(struct linux_binprm *bprm, void **data)
{
	const char *next;
	int err;

	for (;;) {
		err = try_formats(bprm);
		if (err || !bprm->interpreter)
			return err;
		next = bprm->interpreter;
		bprm->interpreter = NULL;
		if (++bprm->depth > BINPRM_MAX_DEPTH)
			return -ELOOP;
		err = count_args(bprm);
		if (err)
			return err;
		kfree(*data);
		*data = NULL;
		err = kernel_read_file_from_path(next, data, &bprm->size, MAX_EXEC_FILE_SIZE);
		if (err)
			return err;
		bprm->buf = *data;
	}
}

int kernel_execve(const char *filename, char *const argv[], char *const envp[])
{
	struct linux_binprm bprm = { .filename = filename, .argv = argv, .envp = envp,
				     .interp = filename };
	void *data = NULL;
	int err;

	err = count_args(&bprm);
	if (err)
		return err;
	err = kernel_read_file_from_path(filename, &data, &bprm.size, MAX_EXEC_FILE_SIZE);
	if (err)
		return err;
	bprm.buf = data;
	bprm.mm = mm_alloc();
	if (!bprm.mm) {
		err = -ENOMEM;
		goto out_free_file;
	}
	err = exec_binprm(&bprm, &data);
	if (err)
		goto out_free_mm;
	/* /proc/self/exe is the file loaded last (a script's interpreter, as Linux's exe_file):
	 * busybox sh re-executes its applets through it */
	exec_record_mm_info(bprm.mm, bprm.interp, bprm.p);
	install_program(&bprm);
	strlcpy(current->comm, strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename,
		sizeof(current->comm));
out_free_mm:
	mmput(bprm.mm); /* NULL once installed */
out_free_file:
	kfree(data);
	for (unsigned int i = 0; i <= BINPRM_MAX_DEPTH; i++)
		kfree(bprm.argv_owned[i]);
	return err;
}
