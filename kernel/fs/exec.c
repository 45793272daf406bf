/*
 * exec: the list of executable formats (register_binfmt) and kernel_execve(), which reads the
 * file, builds a new address space through the first format that accepts it and points the
 * process's saved user registers at the program's entry. The old address space (if any) is
 * dropped only once the new one is complete, so a failed exec leaves the caller as it was.
 */
#include <keel/binfmts.h>
#include <keel/errno.h>
#include <keel/fs.h>
#include <keel/irqflags.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include <keel/process.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "cpu/traps.h"

#define RFLAGS_IF (1UL << 9)
#define RFLAGS_RESERVED1 (1UL << 1)

static LIST_HEAD(formats);

void register_binfmt(struct linux_binfmt *fmt)
{
	list_add_tail(&fmt->lh, &formats);
}

void unregister_binfmt(struct linux_binfmt *fmt)
{
	list_del(&fmt->lh);
}

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

static int try_formats(struct linux_binprm *bprm)
{
	struct linux_binfmt *fmt;
	int err;

	list_for_each_entry(fmt, &formats, lh) {
		err = fmt->load_binary(bprm);
		if (err != -ENOEXEC || bprm->recognized)
			return err;
	}
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

int kernel_execve(const char *filename, char *const argv[], char *const envp[])
{
	struct linux_binprm bprm = { .filename = filename, .argv = argv, .envp = envp };
	size_t bytes = strlen(filename) + 1;
	void *data;
	int err;

	err = count_strings(argv, &bprm.argc, &bytes);
	if (!err)
		err = count_strings(envp, &bprm.envc, &bytes);
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
	err = try_formats(&bprm);
	if (err)
		goto out_free_mm;
	install_program(&bprm);
	strlcpy(current->comm, strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename,
		sizeof(current->comm));
out_free_mm:
	mmput(bprm.mm); /* NULL once installed */
out_free_file:
	kfree(data);
	return err;
}
