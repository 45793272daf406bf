/*
 * The ELF executable format: static ET_EXEC and static-PIE ET_DYN x86_64 programs. Every
 * header is checked first (elf_check.c); then each PT_LOAD becomes a VMA with its rights and
 * its file bytes are copied into fresh pages (the bss tail stays zero), the stack VMA sits
 * under STACK_TOP with a guard gap below, non-executable unless PT_GNU_STACK says otherwise,
 * and the initial stack gets argc/argv/envp/auxv (exec_stack.c). A module registered through
 * register_binfmt(), loaded at boot from /etc/modules; without it exec fails with ENOEXEC.
 */
#include <keel/binfmts.h>
#include <keel/errno.h>
#include <keel/ktime.h>
#include <keel/module.h>
#include <keel/mm_user.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/slab.h>
#include <keel/string.h>
#include "binfmt_elf.h"

#define STACK_BUILD_SIZE (MAX_ARG_STRLEN_TOTAL + 16 * 1024) /* strings, vectors, auxv */
#define CLOCKS_PER_SEC_USER 100 /* AT_CLKTCK: Linux's USER_HZ */

static unsigned long elf_vm_flags(u32 p_flags)
{
	return ((p_flags & PF_R) ? VM_READ : 0) | ((p_flags & PF_W) ? VM_WRITE : 0) |
	       ((p_flags & PF_X) ? VM_EXEC : 0);
}

/* Maps one PT_LOAD. A first page shared with the previous segment (their files' layout put
 * both in one page) joins the previous VMA, which gets the union of the rights. */
static int map_segment(struct linux_binprm *bprm, const Elf64_Phdr *ph, unsigned long bias)
{
	unsigned long start = (ph->p_vaddr + bias) & ~(PAGE_SIZE - 1UL);
	unsigned long end = ALIGN_UP(ph->p_vaddr + bias + ph->p_memsz, PAGE_SIZE);
	unsigned long flags = elf_vm_flags(ph->p_flags);
	struct vm_area_struct *prev = find_vma(bprm->mm, start);
	int err = 0;

	if (prev) {
		prev->vm_flags |= flags;
		start += PAGE_SIZE;
	}
	if (start < end)
		err = mm_add_vma(bprm->mm, start, end, flags);
	if (err)
		return err;
	return copy_to_mm(bprm->mm, ph->p_vaddr + bias, bprm->buf + ph->p_offset, ph->p_filesz);
}

/* The stack VMA's size: RLIMIT_STACK's soft limit in pages, at least STACK_SIZE_MIN (room for
 * the arguments) and at most STACK_SIZE_MAX (the mmap area starts under the largest). The
 * stack does not grow: this is all of it (Linux grows it up to the limit). */
static unsigned long stack_vma_size(void)
{
	u64 lim = rlimit(RLIMIT_STACK) & ~(u64)(PAGE_SIZE - 1);

	return lim < STACK_SIZE_MIN ? STACK_SIZE_MIN : lim > STACK_SIZE_MAX ? STACK_SIZE_MAX : lim;
}

static unsigned long cpuid1_edx(void)
{
	u32 a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

/* 16 bytes for AT_RANDOM (musl's stack protector and pointer guard seeds). Keel has no
 * entropy pool yet: the TSC, mixed (xorshift), is what there is. */
static void fill_random(u8 out[16])
{
	u64 x = rdtsc() ^ 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 16; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[i] = (u8)(x >> 24);
	}
}

static int setup_stack(struct linux_binprm *bprm, const struct elf_info *info)
{
	struct exec_stack_in in = {
		.argv = bprm->argv, .envp = bprm->envp, .argc = bprm->argc, .envc = bprm->envc,
		.execfn = bprm->filename, .platform = "x86_64", .phdr = info->phdr_addr,
		.phnum = info->phnum, .entry = info->entry, .hwcap = cpuid1_edx(),
		.clktck = CLOCKS_PER_SEC_USER, .pagesz = PAGE_SIZE, .stack_top = STACK_TOP,
	};
	u8 *buf = kmalloc(STACK_BUILD_SIZE, GFP_KERNEL);
	unsigned long sp;
	int err;

	if (!buf)
		return -ENOMEM;
	fill_random(in.random);
	err = mm_add_vma(bprm->mm, STACK_TOP - stack_vma_size(), STACK_TOP,
			 VM_READ | VM_WRITE | VM_GROWSDOWN | (info->exec_stack ? VM_EXEC : 0));
	sp = err ? 0 : exec_build_stack(&in, buf, STACK_BUILD_SIZE);
	if (!err && !sp)
		err = -E2BIG;
	if (!err)
		err = copy_to_mm(bprm->mm, sp, buf + (sp - (STACK_TOP - STACK_BUILD_SIZE)),
				 STACK_TOP - sp);
	bprm->p = sp;
	kfree(buf);
	return err;
}

static int load_elf_binary(struct linux_binprm *bprm)
{
	struct elf_info info;
	const char *why;
	int err = elf_check(bprm->buf, bprm->size, MMAP_BASE, &info, &why);

	if (err > 0)
		return -ENOEXEC; /* not ELF: another format may know it */
	if (err) {
		pr_info("binfmt_elf: %s: %s\n", bprm->filename, why);
		bprm->recognized = true;
		return err;
	}
	for (unsigned int i = 0; i < info.phnum && !err; i++)
		if (info.phdrs[i].p_type == PT_LOAD)
			err = map_segment(bprm, &info.phdrs[i], info.load_bias);
	if (err)
		return err == -EEXIST ? -ENOEXEC : err;
	bprm->mm->start_brk = bprm->mm->brk = ALIGN_UP(info.end, PAGE_SIZE);
	err = setup_stack(bprm, &info);
	bprm->entry = info.entry;
	bprm->mm->start_stack = bprm->p;
	return err;
}

static struct linux_binfmt elf_format = {
	.name = "elf",
	.load_binary = load_elf_binary,
	.module = THIS_MODULE,
};

static int __init binfmt_elf_init(void)
{
	register_binfmt(&elf_format);
	return 0;
}

static void __exit binfmt_elf_exit(void)
{
	unregister_binfmt(&elf_format);
}

module_init(binfmt_elf_init);
module_exit(binfmt_elf_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ELF executables: static ET_EXEC and static-PIE ET_DYN x86_64 programs");
