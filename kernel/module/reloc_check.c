/*
 * Part of step 1 of module loading: no two applied relocations may write the same bytes.
 * Relocations are applied one after the other, so two that overlap leave whatever the later
 * one wrote over part of the earlier one's value (a corrupt pointer that loads silently).
 * The check runs in validation, before anything is allocated, and never allocates itself:
 * relocation sections are normally sorted by offset (compilers and `ld -r` write them so),
 * which allows a linear sweep; unsorted ones are compared pair by pair. All the work is
 * counted against a budget, so a crafted file cannot make the check itself take minutes.
 */
#include "load_internal.h"

/* Comparison steps allowed for one module; real modules need a few per relocation. */
#define OVERLAP_CHECK_BUDGET (1UL << 22)

/* One relocation section applied to a loaded section. */
struct rela_list {
	u32 sec;
	const Elf64_Rela *rela;
	u64 count;
	bool sorted; /* by span start */
};

/* The bytes [start, end) of its target section one relocation reads or writes. */
struct reloc_span {
	u64 start;
	u64 end;
	u64 n; /* entry number in its section, for messages */
};

struct overlap_check {
	struct load_info *info;
	u64 budget;
};

/*
 * GOTPCRELX relaxation rewrites the opcode two bytes before the field (and REX_GOTPCRELX
 * reads the REX prefix three bytes before): those bytes belong to the relocation too.
 */
static u64 reloc_reach_back(u32 type, u64 offset)
{
	u64 back = 0;

	if (type == R_X86_64_GOTPCRELX)
		back = 2;
	else if (type == R_X86_64_REX_GOTPCRELX)
		back = 3;
	return back < offset ? back : offset;
}

/* False for relocations that touch no bytes (R_X86_64_NONE) or are not applied. */
static bool reloc_span_of(const struct rela_list *l, u64 n, struct reloc_span *s)
{
	const Elf64_Rela *r = &l->rela[n];
	u32 type = ELF64_R_TYPE(r->r_info), width;

	if (!reloc_type_width(type, &width) || width == 0)
		return false;
	s->start = r->r_offset - reloc_reach_back(type, r->r_offset);
	s->end = r->r_offset + width; /* validation proved it inside the section */
	s->n = n;
	return true;
}

static bool spend(struct overlap_check *oc, u64 steps)
{
	if (steps > oc->budget)
		return false;
	oc->budget -= steps;
	return true;
}

static int too_costly(struct overlap_check *oc, const struct rela_list *l)
{
	return load_fail(oc->info, -ENOEXEC,
			 "relocation section %s: too many unsorted relocations or relocation sections to check for overlaps",
			 module_section_name(oc->info, l->sec));
}

static int report(struct overlap_check *oc, const struct rela_list *la, const struct reloc_span *a,
		  const struct rela_list *lb, const struct reloc_span *b)
{
	struct load_info *info = oc->info;
	u32 target = info->sechdrs[la->sec].sh_info;

	return load_fail(info, -ENOEXEC,
			 "relocations %s #%lu (%s at %s+0x%lx) and %s #%lu (%s at %s+0x%lx) write overlapping bytes",
			 module_section_name(info, la->sec), (unsigned long)a->n,
			 module_reloc_type_name(ELF64_R_TYPE(la->rela[a->n].r_info)),
			 module_section_name(info, target), (unsigned long)la->rela[a->n].r_offset,
			 module_section_name(info, lb->sec), (unsigned long)b->n,
			 module_reloc_type_name(ELF64_R_TYPE(lb->rela[b->n].r_info)),
			 module_section_name(info, target), (unsigned long)lb->rela[b->n].r_offset);
}

static bool spans_overlap(const struct reloc_span *a, const struct reloc_span *b)
{
	return a->start < b->end && b->start < a->end;
}

static bool list_sorted(const struct rela_list *l)
{
	struct reloc_span prev = { 0 }, cur;
	bool have = false;

	for (u64 n = 0; n < l->count; n++) {
		if (!reloc_span_of(l, n, &cur))
			continue;
		if (have && cur.start < prev.start)
			return false;
		prev = cur;
		have = true;
	}
	return true;
}

/* Walks a sorted list's spans in order. */
struct span_cursor {
	const struct rela_list *list;
	u64 pos;
	struct reloc_span span;
	bool valid;
};

static void cursor_next(struct span_cursor *c)
{
	c->valid = false;
	while (c->list && !c->valid && c->pos < c->list->count)
		c->valid = reloc_span_of(c->list, c->pos++, &c->span);
}

/* Takes the cursor whose next span starts first. */
static struct span_cursor *cursor_pick(struct span_cursor *a, struct span_cursor *b)
{
	if (!b->valid)
		return a->valid ? a : NULL;
	if (!a->valid)
		return b;
	return b->span.start < a->span.start ? b : a;
}

/*
 * Sorted lists, merged by start: a span overlaps an earlier one exactly when it starts before
 * the furthest end seen so far, and the span reaching that end is one it overlaps.
 */
static int sweep(struct overlap_check *oc, const struct rela_list *la, const struct rela_list *lb)
{
	struct span_cursor a = { .list = la }, b = { .list = lb }, *c;
	struct reloc_span reach = { 0 };
	const struct rela_list *reach_list = NULL;

	if (!spend(oc, la->count + (lb ? lb->count : 0)))
		return too_costly(oc, la);
	cursor_next(&a);
	cursor_next(&b);
	while ((c = cursor_pick(&a, &b))) {
		if (reach_list && c->span.start < reach.end)
			return report(oc, reach_list, &reach, c->list, &c->span);
		if (!reach_list || c->span.end > reach.end) {
			reach = c->span;
			reach_list = c->list;
		}
		cursor_next(c);
	}
	return 0;
}

/* Unsorted: every pair (within la when lb == la, else across the two). */
static int pairwise(struct overlap_check *oc, const struct rela_list *la, const struct rela_list *lb)
{
	struct reloc_span a, b;

	if (!spend(oc, la->count * (lb == la ? la->count / 2 : lb->count)))
		return too_costly(oc, la);
	for (u64 i = 0; i < la->count; i++) {
		if (!reloc_span_of(la, i, &a))
			continue;
		for (u64 j = lb == la ? i + 1 : 0; j < lb->count; j++) {
			if (reloc_span_of(lb, j, &b) && spans_overlap(&a, &b))
				return report(oc, la, &a, lb, &b);
		}
	}
	return 0;
}

/* The relocation section `sec` as a list, when it is applied (targets a loaded section). */
static bool rela_list_of(const struct load_info *info, u32 sec, struct rela_list *l)
{
	const Elf64_Shdr *sh = &info->sechdrs[sec];

	if (sh->sh_type != SHT_RELA || !load_section_is_alloc(info, sh->sh_info))
		return false;
	l->sec = sec;
	l->rela = (const Elf64_Rela *)(info->image + sh->sh_offset);
	l->count = sh->sh_size / sizeof(Elf64_Rela);
	l->sorted = list_sorted(l);
	return l->count > 0;
}

static int check_pair(struct overlap_check *oc, const struct rela_list *la,
		      const struct rela_list *lb)
{
	if (la->sorted && lb->sorted)
		return sweep(oc, la, lb == la ? NULL : lb);
	return pairwise(oc, la, lb);
}

/* la against itself and against every later relocation section with the same target. */
static int check_against_later(struct overlap_check *oc, const struct rela_list *la)
{
	struct load_info *info = oc->info;
	u32 target = info->sechdrs[la->sec].sh_info;
	int err = check_pair(oc, la, la);

	for (u32 i = la->sec + 1; !err && i < info->shnum; i++) {
		struct rela_list lb;

		if (!spend(oc, 1))
			return too_costly(oc, la);
		if (info->sechdrs[i].sh_type == SHT_RELA && info->sechdrs[i].sh_info == target &&
		    rela_list_of(info, i, &lb))
			err = check_pair(oc, la, &lb);
	}
	return err;
}

int check_relocation_overlaps(struct load_info *info)
{
	struct overlap_check oc = { .info = info, .budget = OVERLAP_CHECK_BUDGET };
	int err = 0;

	for (u32 i = 0; !err && i < info->shnum; i++) {
		struct rela_list l;

		if (rela_list_of(info, i, &l))
			err = check_against_later(&oc, &l);
	}
	return err;
}
