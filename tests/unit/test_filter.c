/*
 * Host unit test for the classic BPF checker and interpreter (kernel/net/filter.c): the
 * DHCP client filter busybox's udhcpc once attached (UDP to port 68, not a fragment) on
 * matching and non-matching IPv4 headers, loads past the end dropping the frame, scratch
 * memory, ALU and division by a zero X, and the checker's refusals (jumps out of the
 * program, no final return, constant division by zero, bad scratch index, unknown opcode).
 */
/* UNIT_SOURCES: kernel/net/filter.c */
#include <keel/errno.h>
#include <keel/filter.h>
#include <keel/string.h>
#include "unit.h"

#define N(a) ((unsigned int)(sizeof(a) / sizeof((a)[0])))

/* UDP to port 68 and not a fragment: keep 0x7fffffff bytes, else 0. */
static const struct sock_filter dhcp[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 0, 6),
	BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
	BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 68, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0x7fffffff),
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static void ip_udp(u8 *p, u8 proto, u16 frag, u16 dport)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[6] = (u8)(frag >> 8);
	p[7] = (u8)frag;
	p[9] = proto;
	p[22] = (u8)(dport >> 8);
	p[23] = (u8)dport;
}

static void test_dhcp_filter(void)
{
	u8 p[28];

	CHECK_INT(bpf_check_classic(dhcp, N(dhcp)), 0);
	ip_udp(p, 17, 0x4000, 68); /* DF set, offset 0: not a fragment */
	CHECK_UINT(bpf_run_classic(dhcp, p, sizeof(p)), 0x7fffffff);
	ip_udp(p, 17, 0, 67);
	CHECK_UINT(bpf_run_classic(dhcp, p, sizeof(p)), 0);
	ip_udp(p, 6, 0, 68);
	CHECK_UINT(bpf_run_classic(dhcp, p, sizeof(p)), 0);
	ip_udp(p, 17, 0x0010, 68); /* a later fragment */
	CHECK_UINT(bpf_run_classic(dhcp, p, sizeof(p)), 0);
	ip_udp(p, 17, 0, 68);
	CHECK_UINT(bpf_run_classic(dhcp, p, 23), 0); /* the port's load runs off the end */
}

static void test_alu_and_memory(void)
{
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),   /* A = len */
		BPF_STMT(BPF_ST, 3),                     /* M[3] = A */
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, 3),  /* A *= 3 */
		BPF_STMT(BPF_MISC | BPF_TAX, 0),         /* X = A */
		BPF_STMT(BPF_LD | BPF_W | BPF_MEM, 3),   /* A = M[3] */
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_X, 0),  /* A += X */
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	static const struct sock_filter divx[] = {
		BPF_STMT(BPF_LDX | BPF_W | BPF_IMM, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_IMM, 7),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_K, 99),
	};
	static const struct sock_filter word[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	const u8 pkt[5] = { 0, 0, 0, 1, 2 };

	CHECK_INT(bpf_check_classic(prog, N(prog)), 0);
	CHECK_UINT(bpf_run_classic(prog, pkt, 5), (5 + 15) * 2);
	CHECK_INT(bpf_check_classic(divx, N(divx)), 0);
	CHECK_UINT(bpf_run_classic(divx, pkt, 5), 0);
	CHECK_UINT(bpf_run_classic(word, pkt, 5), 0x000102);
	CHECK_UINT(bpf_run_classic(word, pkt, 4), 0);
}

static void test_checker(void)
{
	static const struct sock_filter no_ret[] = { BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0) };
	static const struct sock_filter far_jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter far_ja[] = {
		BPF_STMT(BPF_JMP | BPF_JA, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter div0[] = {
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter mem16[] = {
		BPF_STMT(BPF_ST, 16),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	static const struct sock_filter bad_op[] = {
		BPF_STMT(0xe0, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};

	CHECK_INT(bpf_check_classic(dhcp, 0), -EINVAL);
	CHECK_INT(bpf_check_classic(dhcp, BPF_MAXINSNS + 1), -EINVAL);
	CHECK_INT(bpf_check_classic(no_ret, N(no_ret)), -EINVAL);
	CHECK_INT(bpf_check_classic(far_jump, N(far_jump)), -EINVAL);
	CHECK_INT(bpf_check_classic(far_ja, N(far_ja)), -EINVAL);
	CHECK_INT(bpf_check_classic(div0, N(div0)), -EINVAL);
	CHECK_INT(bpf_check_classic(mem16, N(mem16)), -EINVAL);
	CHECK_INT(bpf_check_classic(bad_op, N(bad_op)), -EINVAL);
	CHECK_INT(bpf_check_classic(dhcp, 8), -EINVAL); /* the jump to L4 leaves it */
}

int main(void)
{
	test_dhcp_filter();
	test_alu_and_memory();
	test_checker();
	return unit_summary();
}
