/*
 * Classic BPF socket filters (see <keel/filter.h>): the checker SO_ATTACH_FILTER runs once
 * and the interpreter each received frame goes through. Linux converts classic programs to
 * eBPF; Keel interprets them as they are, which is all a packet socket needs. Host-tested by
 * tests/unit/test_filter.c.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/filter.h>

/* Whether code is a classic BPF instruction Keel runs (Linux's bpf_check_classic list,
 * without the ancillary SKF_AD_* loads, which read past any frame and so drop it). */
static bool bpf_code_valid(u16 code)
{
	u16 op = BPF_OP(code);

	if (code > 0xff)
		return false;
	switch (BPF_CLASS(code)) {
	case BPF_LD:
		if (BPF_MODE(code) == BPF_ABS || BPF_MODE(code) == BPF_IND)
			return BPF_SIZE(code) != 0x18;
		return BPF_SIZE(code) == BPF_W && (BPF_MODE(code) == BPF_IMM ||
			BPF_MODE(code) == BPF_MEM || BPF_MODE(code) == BPF_LEN);
	case BPF_LDX:
		return code == (BPF_LDX | BPF_B | BPF_MSH) || code == (BPF_LDX | BPF_W | BPF_IMM) ||
		       code == (BPF_LDX | BPF_W | BPF_MEM) || code == (BPF_LDX | BPF_W | BPF_LEN);
	case BPF_ST:
	case BPF_STX:
		return code == BPF_ST || code == BPF_STX;
	case BPF_ALU:
		if (op == BPF_NEG)
			return code == (BPF_ALU | BPF_NEG);
		return op <= BPF_XOR;
	case BPF_JMP:
		if (op == BPF_JA)
			return code == (BPF_JMP | BPF_JA);
		return op >= BPF_JEQ && op <= BPF_JSET;
	case BPF_RET:
		return code == (BPF_RET | BPF_K) || code == (BPF_RET | BPF_A);
	default: /* BPF_MISC */
		return code == (BPF_MISC | BPF_TAX) || code == (BPF_MISC | BPF_TXA);
	}
}

/* The operand checks of one valid instruction at pc of len. */
static bool bpf_insn_ok(const struct sock_filter *f, unsigned int pc, unsigned int len)
{
	unsigned int left = len - pc - 1; /* instructions after this one */
	u16 code = f->code;

	switch (BPF_CLASS(code)) {
	case BPF_LD:
	case BPF_LDX:
		return BPF_MODE(code) != BPF_MEM || f->k < BPF_MEMWORDS;
	case BPF_ST:
	case BPF_STX:
		return f->k < BPF_MEMWORDS;
	case BPF_ALU:
		if (BPF_SRC(code) == BPF_K && (BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD))
			return f->k != 0;
		if (BPF_SRC(code) == BPF_K && (BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH))
			return f->k < 32;
		return true;
	case BPF_JMP:
		if (BPF_OP(code) == BPF_JA)
			return f->k < left;
		return f->jt < left && f->jf < left;
	default:
		return true;
	}
}

int bpf_check_classic(const struct sock_filter *prog, unsigned int len)
{
	if (!len || len > BPF_MAXINSNS)
		return -EINVAL;
	for (unsigned int pc = 0; pc < len; pc++)
		if (!bpf_code_valid(prog[pc].code) || !bpf_insn_ok(&prog[pc], pc, len))
			return -EINVAL;
	return BPF_CLASS(prog[len - 1].code) == BPF_RET ? 0 : -EINVAL;
}
EXPORT_SYMBOL_GPL(bpf_check_classic);

/* A big-endian load of size (BPF_W/H/B) at off; false when it is not all inside pkt. */
static bool bpf_load(const u8 *pkt, unsigned int len, u32 off, u16 size, u32 *val)
{
	unsigned int n = size == BPF_W ? 4 : size == BPF_H ? 2 : 1;

	if (off > len || len - off < n)
		return false;
	*val = 0;
	for (unsigned int i = 0; i < n; i++)
		*val = *val << 8 | pkt[off + i];
	return true;
}

/* A op= operand; false on division by zero (the program then drops the frame). */
static bool bpf_alu(u32 *a, u16 op, u32 v)
{
	switch (op) {
	case BPF_ADD: *a += v; break;
	case BPF_SUB: *a -= v; break;
	case BPF_MUL: *a *= v; break;
	case BPF_DIV: if (!v) return false; *a /= v; break;
	case BPF_MOD: if (!v) return false; *a %= v; break;
	case BPF_OR: *a |= v; break;
	case BPF_AND: *a &= v; break;
	case BPF_LSH: *a <<= v & 31; break;
	case BPF_RSH: *a >>= v & 31; break;
	case BPF_NEG: *a = -*a; break;
	default: *a ^= v; break; /* BPF_XOR */
	}
	return true;
}

static bool bpf_jump_taken(u16 op, u32 a, u32 v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	default: return (a & v) != 0; /* BPF_JSET */
	}
}

/* The machine's state while a program runs; scratch words start at zero. */
struct bpf_state {
	u32 a, x, mem[BPF_MEMWORDS];
	const u8 *pkt;
	unsigned int len;
};

/* A load into A or X (LD/LDX); false when it falls outside the packet. */
static bool bpf_ld(struct bpf_state *s, const struct sock_filter *f)
{
	u32 *dst = BPF_CLASS(f->code) == BPF_LD ? &s->a : &s->x;

	switch (BPF_MODE(f->code)) {
	case BPF_IMM: *dst = f->k; return true;
	case BPF_MEM: *dst = s->mem[f->k]; return true;
	case BPF_LEN: *dst = s->len; return true;
	case BPF_ABS: return bpf_load(s->pkt, s->len, f->k, BPF_SIZE(f->code), dst);
	case BPF_IND: return bpf_load(s->pkt, s->len, s->x + f->k, BPF_SIZE(f->code), dst);
	default: /* BPF_MSH: X = 4 * (the low nibble of pkt[k]), an IPv4 header's length */
		if (!bpf_load(s->pkt, s->len, f->k, BPF_B, dst))
			return false;
		*dst = (*dst & 0xf) << 2;
		return true;
	}
}

unsigned int bpf_run_classic(const struct sock_filter *prog, const u8 *pkt, unsigned int len)
{
	struct bpf_state s = { .pkt = pkt, .len = len };

	for (const struct sock_filter *f = prog;; f++) {
		u32 v = BPF_SRC(f->code) == BPF_X ? s.x : f->k;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
		case BPF_LDX:
			if (!bpf_ld(&s, f))
				return 0;
			break;
		case BPF_ST: s.mem[f->k] = s.a; break;
		case BPF_STX: s.mem[f->k] = s.x; break;
		case BPF_ALU:
			if (!bpf_alu(&s.a, BPF_OP(f->code), v))
				return 0;
			break;
		case BPF_JMP:
			if (BPF_OP(f->code) == BPF_JA)
				f += f->k;
			else
				f += bpf_jump_taken(BPF_OP(f->code), s.a, v) ? f->jt : f->jf;
			break;
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? s.a : f->k;
		default: /* BPF_MISC */
			if (f->code & BPF_TXA)
				s.a = s.x;
			else
				s.x = s.a;
			break;
		}
	}
}
EXPORT_SYMBOL_GPL(bpf_run_classic);
