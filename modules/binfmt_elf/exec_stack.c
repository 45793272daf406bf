/*
 * The initial user stack of a new program (binfmt_elf.h): strings at the top, then the
 * 16-byte aligned block argc/argv/envp/auxv that the C library's _start reads. Pure: it
 * writes into a kernel buffer that exec then copies to the top of the user stack.
 */
#include <keel/string.h>
#include "binfmt_elf.h"

#define NR_AUXV_PAIRS 18 /* the entries below, AT_NULL included */

/* Writes n bytes just below *pos (an offset into buf); false when they do not fit. */
static bool push_bytes(u8 *buf, size_t *pos, const void *src, size_t n)
{
	if (n > *pos)
		return false;
	*pos -= n;
	memcpy(buf + *pos, src, n);
	return true;
}

/* Pushes count strings contiguously, the first lowest; returns the first's offset in buf,
 * or (size_t)-1 when they do not fit. */
static size_t push_strings(u8 *buf, size_t *pos, char *const *strs, int count)
{
	size_t total = 0, off;

	for (int i = 0; i < count; i++)
		total += strlen(strs[i]) + 1;
	if (total > *pos)
		return (size_t)-1;
	*pos -= total;
	off = *pos;
	for (int i = 0; i < count; i++) {
		size_t n = strlen(strs[i]) + 1;

		memcpy(buf + off, strs[i], n);
		off += n;
	}
	return *pos;
}

static u64 *put_auxv(u64 *p, const struct exec_stack_in *in, const u64 strs[3])
{
	const u64 pairs[NR_AUXV_PAIRS][2] = {
		{ AT_HWCAP, in->hwcap },   { AT_PAGESZ, in->pagesz }, { AT_CLKTCK, in->clktck },
		{ AT_PHDR, in->phdr },     { AT_PHENT, sizeof(Elf64_Phdr) },
		{ AT_PHNUM, in->phnum },   { AT_BASE, 0 },            { AT_FLAGS, 0 },
		{ AT_ENTRY, in->entry },   { AT_UID, 0 },             { AT_EUID, 0 },
		{ AT_GID, 0 },             { AT_EGID, 0 },            { AT_SECURE, 0 },
		{ AT_RANDOM, strs[2] },    { AT_EXECFN, strs[0] },    { AT_PLATFORM, strs[1] },
		{ AT_NULL, 0 },
	};

	for (int i = 0; i < NR_AUXV_PAIRS; i++) {
		*p++ = pairs[i][0];
		*p++ = pairs[i][1];
	}
	return p;
}

/* count pointers to the contiguous strings starting at user address first; then NULL. */
static u64 *put_string_pointers(u64 *p, char *const *strs, int count, u64 first)
{
	for (int i = 0; i < count; i++) {
		*p++ = first;
		first += strlen(strs[i]) + 1;
	}
	*p++ = 0;
	return p;
}

unsigned long exec_build_stack(const struct exec_stack_in *in, u8 *buf, size_t size)
{
	unsigned long base = in->stack_top - size, sp;
	size_t pos = size, nptr = 1 + in->argc + 1 + in->envc + 1 + 2 * NR_AUXV_PAIRS;
	size_t argv_off, envp_off;
	u64 zero = 0, strs[3], *p; /* execfn, platform, random */

	if (!push_bytes(buf, &pos, &zero, 8) ||
	    !push_bytes(buf, &pos, in->execfn, strlen(in->execfn) + 1))
		return 0;
	strs[0] = base + pos;
	envp_off = push_strings(buf, &pos, in->envp, in->envc);
	argv_off = envp_off == (size_t)-1 ? envp_off : push_strings(buf, &pos, in->argv, in->argc);
	if (argv_off == (size_t)-1 ||
	    !push_bytes(buf, &pos, in->platform, strlen(in->platform) + 1))
		return 0;
	strs[1] = base + pos;
	if (!push_bytes(buf, &pos, in->random, sizeof(in->random)) || pos < nptr * 8 + 16)
		return 0;
	strs[2] = base + pos;
	sp = (base + pos - nptr * 8) & ~15UL;
	p = (u64 *)(buf + (sp - base));
	*p++ = in->argc;
	p = put_string_pointers(p, in->argv, in->argc, base + argv_off);
	p = put_string_pointers(p, in->envp, in->envc, base + envp_off);
	put_auxv(p, in, strs);
	return sp;
}
