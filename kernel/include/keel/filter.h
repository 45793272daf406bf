/*
 * Classic BPF, the socket filters of SO_ATTACH_FILTER (Linux's <linux/filter.h> and its
 * uapi): the instruction format user space passes and the checker and interpreter a socket
 * family runs them with. The instruction set is the one in Linux's
 * Documentation/networking/filter.rst (McCanne and Jacobson's BPF): an accumulator A, an
 * index register X, 16 scratch words, and loads from the packet that end the program with
 * "drop" when they fall outside it.
 */
#ifndef KEEL_FILTER_H
#define KEEL_FILTER_H

#include <keel/socket.h>
#include <keel/types.h>

struct sock_filter {
	u16 code;
	u8 jt;                      /* relative jump when true */
	u8 jf;                      /* ... when false */
	u32 k;
};

/* SO_ATTACH_FILTER's argument: len instructions at the user pointer filter. */
struct sock_fprog {
	unsigned short len;
	struct sock_filter __user *filter;
};

#define BPF_MAXINSNS 4096
#define BPF_MEMWORDS 16

/* Instruction classes and fields */
#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_LD 0x00
#define BPF_LDX 0x01
#define BPF_ST 0x02
#define BPF_STX 0x03
#define BPF_ALU 0x04
#define BPF_JMP 0x05
#define BPF_RET 0x06
#define BPF_MISC 0x07
#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_W 0x00
#define BPF_H 0x08
#define BPF_B 0x10
#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_IMM 0x00
#define BPF_ABS 0x20
#define BPF_IND 0x40
#define BPF_MEM 0x60
#define BPF_LEN 0x80
#define BPF_MSH 0xa0
#define BPF_OP(code) ((code) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR 0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0
#define BPF_JA 0x00
#define BPF_JEQ 0x10
#define BPF_JGT 0x20
#define BPF_JGE 0x30
#define BPF_JSET 0x40
#define BPF_SRC(code) ((code) & 0x08)
#define BPF_K 0x00
#define BPF_X 0x08
#define BPF_RVAL(code) ((code) & 0x18)
#define BPF_A 0x10
#define BPF_MISCOP(code) ((code) & 0xf8)
#define BPF_TAX 0x00
#define BPF_TXA 0x80

#define BPF_STMT(code, k) { (unsigned short)(code), 0, 0, k }
#define BPF_JUMP(code, k, jt, jf) { (unsigned short)(code), jt, jf, k }

/*
 * Checks a program before it is attached (Linux's bpf_check_classic): 1 to BPF_MAXINSNS
 * instructions, known opcodes, jumps that stay inside it, scratch indices below
 * BPF_MEMWORDS, no division by a constant zero, and a return as the last instruction.
 * 0 or -EINVAL. Any context.
 */
int bpf_check_classic(const struct sock_filter *prog, unsigned int len);
/*
 * Runs a checked program over pkt (len bytes: what the socket would queue): how many bytes
 * of it to keep (0: drop). Loads past the end, and division by a zero X, return 0, as in
 * Linux. Any context; never sleeps.
 */
unsigned int bpf_run_classic(const struct sock_filter *prog, const u8 *pkt, unsigned int len);

#endif
