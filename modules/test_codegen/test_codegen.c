/*
 * Test module: code generation patterns whose relocations the loader must get right — switch
 * jump tables, string literals, const and writable function-pointer tables, pointers inside
 * static data, a large .bss, a weak undefined symbol, 64-bit constants. The tests build it
 * at several optimisation levels and with clang. init prints "test_codegen: all N checks
 * passed", or names the first failing check and fails with -EINVAL.
 */
#include <keel/module.h>

#define CODEGEN_BSS_SIZE (256 * 1024)

struct check_state {
	unsigned int run;
	const char *failed; /* first failing check */
};

static void check(struct check_state *st, const char *name, bool ok)
{
	st->run++;
	if (!ok && !st->failed) {
		st->failed = name;
		pr_err("test_codegen: check '%s' failed\n", name);
	}
}

/* Dense enough for a jump table at every optimisation level; irregular values defeat a
 * lookup-table rewrite at -O2. */
static __noinline long dense_switch(unsigned int v, long x)
{
	switch (v) {
	case 0: return x + 3;
	case 1: return x * 7;
	case 2: return x - 11;
	case 3: return x ^ 0x55;
	case 4: return x << 3;
	case 5: return (x >> 1) + 1000;
	case 6: return -x;
	case 7: return x * x;
	case 8: return x % 13;
	case 9: return x | 0x100;
	case 10: return x + (long)strlen("ten");
	case 11: return 42;
	default: return -1;
	}
}

static void check_switch(struct check_state *st)
{
	static const long expected[] = { 103, 700, 89, 49, 800, 1050, -100, 10000, 9, 356, 103,
					 42, -1, -1 };
	bool ok = true;

	for (unsigned int v = 0; v < ARRAY_SIZE(expected); v++)
		ok &= dense_switch(v, 100) == expected[v];
	check(st, "switch jump table", ok);
}

static const char *const greetings[] = { "alpha", "beta", "gamma", "delta" };
static const char banner[] = "Keel codegen";

static void check_strings(struct check_state *st)
{
	char buf[32];

	check(st, "string literal", strcmp("literal", "lit" "eral") == 0 && strlen("literal") == 7);
	check(st, "string pointer table", strcmp(greetings[2], "gamma") == 0 &&
					       greetings[3][0] == 'd' && strlen(greetings[1]) == 4);
	snprintf(buf, sizeof(buf), "%s/%s/%d", banner, greetings[0], 7);
	check(st, "static char array", strcmp(buf, "Keel codegen/alpha/7") == 0);
}

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_max(int a, int b) { return a > b ? a : b; }

typedef int (*binop_t)(int, int);
static const binop_t const_ops[] = { op_add, op_sub, op_mul, op_max };
static binop_t writable_ops[] = { op_mul, op_max, op_add, op_sub };

struct named_op {
	const char *name;
	binop_t fn;
};
static const struct named_op named_ops[] = { { "add", op_add }, { "mul", op_mul } };

static __noinline int apply(const binop_t *table, unsigned int i, int a, int b)
{
	return table[i](a, b);
}

static void check_function_pointers(struct check_state *st)
{
	check(st, "const function table", apply(const_ops, 0, 6, 7) == 13 &&
					       apply(const_ops, 1, 6, 7) == -1 &&
					       apply(const_ops, 2, 6, 7) == 42 &&
					       apply(const_ops, 3, 6, 7) == 7);
	check(st, "writable function table", apply(writable_ops, 0, 6, 7) == 42 &&
						  apply(writable_ops, 3, 6, 7) == -1);
	writable_ops[0] = op_add;
	check(st, "function table update", apply(writable_ops, 0, 6, 7) == 13);
	writable_ops[0] = op_mul;
	check(st, "struct with function pointers", strcmp(named_ops[1].name, "mul") == 0 &&
							named_ops[1].fn(5, 5) == 25);
}

static unsigned char big_bss[CODEGEN_BSS_SIZE];

static void check_bss(struct check_state *st)
{
	bool zero = true, kept = true;

	for (size_t i = 0; i < sizeof(big_bss); i++)
		zero &= big_bss[i] == 0;
	check(st, "large .bss is zero", zero);
	for (size_t i = 0; i < sizeof(big_bss); i++)
		big_bss[i] = (unsigned char)(i * 31 + 7);
	for (size_t i = 0; i < sizeof(big_bss); i++)
		kept &= big_bss[i] == (unsigned char)(i * 31 + 7);
	check(st, "large .bss is writable", kept);
	memset(big_bss, 0, sizeof(big_bss));
}

static int primes[] = { 2, 3, 5, 7, 11, 13, 17, 19 };
static int *prime_ptr = &primes[4];           /* pointer into .data: R_X86_64_64 */
static int *const prime_end = &primes[ARRAY_SIZE(primes)];
static int counter = 5;
static int zeroed;

static __noinline int bump(void)
{
	static int calls;

	return ++calls + counter++;
}

static void check_static_data(struct check_state *st)
{
	int sum = 0;

	for (int *p = primes; p < prime_end; p++)
		sum += *p;
	check(st, "static data", sum == 77 && *prime_ptr == 11 && zeroed == 0);
	check(st, "static counters", bump() == 6 && bump() == 8 && counter == 7);
	prime_ptr++;
	check(st, "pointer in data", *prime_ptr == 13);
}

extern int codegen_absent_symbol(int) __attribute__((weak));
extern int codegen_absent_variable __attribute__((weak));

static void check_weak(struct check_state *st)
{
	check(st, "weak undefined function is 0", codegen_absent_symbol == NULL);
	check(st, "weak undefined variable is 0", &codegen_absent_variable == NULL);
}

static const u64 const_table[] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
				   0x8000000000000000ULL };
static u64 wide_value = 0xdeadbeefcafef00dULL;

static __noinline u64 mix64(u64 a, u64 b)
{
	return (a * 0x9e3779b97f4a7c15ULL) ^ (b >> 7) ^ (b << 57);
}

static void check_64bit(struct check_state *st)
{
	volatile u64 big = 0xffffffff00000001ULL;

	check(st, "64-bit constants", const_table[0] + const_table[1] == 0xffffffffffffffffULL &&
					   (const_table[2] >> 63) == 1 &&
					   wide_value >> 32 == 0xdeadbeef);
	check(st, "64-bit arithmetic", big * 3 == 0xfffffffd00000003ULL &&
					    big / 0x100000000ULL == 0xffffffffULL &&
					    mix64(1, 0) == 0x9e3779b97f4a7c15ULL);
	check(st, "64-bit signed", (s64)0x8000000000000000ULL < 0 &&
					(s64)-1 >> 63 == -1 && (int)0x80000000U < 0);
}

static int __init codegen_init(void)
{
	struct check_state st = { 0 };

	check_switch(&st);
	check_strings(&st);
	check_function_pointers(&st);
	check_bss(&st);
	check_static_data(&st);
	check_weak(&st);
	check_64bit(&st);
	check(&st, "THIS_MODULE can be pinned", try_module_get(THIS_MODULE));
	module_put(THIS_MODULE);
	if (st.failed)
		return -EINVAL;
	pr_info("test_codegen: all %u checks passed\n", st.run);
	return 0;
}

static void __exit codegen_exit(void)
{
	pr_info("test_codegen: unloaded\n");
}

module_init(codegen_init);
module_exit(codegen_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test: code generation patterns (jump tables, pointer tables, .bss, weak)");
