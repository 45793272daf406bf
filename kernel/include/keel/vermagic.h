/*
 * The version magic: the kernel release plus every build option that changes the binary
 * interface between the kernel and modules. A module whose vermagic= differs is refused.
 * The compiler is deliberately not part of it: GCC and clang generate the same psABI code
 * under these flags, so a clang-built module loads into a GCC-built kernel. API changes are
 * caught per symbol by the modversions CRCs instead.
 *
 * KEEL_VERSION comes from kernel/init/version.h in the kernel and from the command line
 * (-DKEEL_VERSION=...) when the build compiles a module's generated <name>.mod.c.
 */
#ifndef KEEL_VERMAGIC_H
#define KEEL_VERMAGIC_H

#define VERMAGIC_ABI "x86_64 mcmodel=kernel no-red-zone no-sse frame-pointer modversions"
#define VERMAGIC_STRING KEEL_VERSION " " VERMAGIC_ABI

#endif
