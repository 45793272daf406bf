#!/usr/bin/python3
"""Writes the sources of the module-loading benchmark modules into OUTDIR, one file each
(build them all with `make modules M=OUTDIR`, so modpost sees
bench_exp_1000's exports when it links bench_relocs):
  bench_exp_<N>   exports N functions (N = 100, 1000, 10000), to grow the export table;
  bench_relocs    10,000 relocations against the 1,000 functions of bench_exp_1000.
Usage: mkbenchmods.py OUTDIR"""
import os
import sys

HEADER = '#include <keel/module.h>\n\nMODULE_LICENSE("GPL");\n'
RELOCS = 10000
TARGETS = 1000


def exporter(n):
    name = "bench_exp_%d" % n
    lines = [HEADER, 'MODULE_DESCRIPTION("benchmark: exports %d functions");\n' % n]
    for i in range(n):
        lines.append("int %s_f%d(void);\nint %s_f%d(void) { return %d; }\nEXPORT_SYMBOL(%s_f%d);\n"
                     % (name, i, name, i, i, name, i))
    return name, "".join(lines)


def relocator():
    name = "bench_relocs"
    lines = [HEADER, 'MODULE_DESCRIPTION("benchmark: %d relocations against %d symbols");\n'
             % (RELOCS, TARGETS)]
    for i in range(TARGETS):
        lines.append("int bench_exp_1000_f%d(void);\n" % i)
    # Each table entry is one R_X86_64_64 relocation against one of the 1,000 functions.
    lines.append("static int (*const table[%d])(void) = {\n" % RELOCS)
    for i in range(RELOCS):
        lines.append("\tbench_exp_1000_f%d,\n" % (i % TARGETS))
    lines.append("};\n\nstatic int __init bench_relocs_init(void)\n{\n\tlong sum = 0;\n\n"
                 "\tfor (int i = 0; i < %d; i++)\n\t\tsum += table[i]();\n"
                 '\tpr_info("bench_relocs: sum %%ld\\n", sum);\n'
                 "\treturn sum == %d ? 0 : -EINVAL;\n}\n" % (RELOCS, (RELOCS // TARGETS) * sum(range(TARGETS))))
    lines.append("static void __exit bench_relocs_exit(void) { }\n"
                 "module_init(bench_relocs_init);\nmodule_exit(bench_relocs_exit);\n")
    return name, "".join(lines)


def main():
    out = sys.argv[1]
    mods = [exporter(n) for n in (100, 1000, 10000)] + [relocator()]
    os.makedirs(out, exist_ok=True)
    for name, source in mods:
        with open(os.path.join(out, name + ".c"), "w") as f:
            f.write(source)


if __name__ == "__main__":
    main()
