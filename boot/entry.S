/*
 * 32-bit entry from a multiboot2 loader: check who booted us and that the CPU has long mode,
 * build boot page tables (identity + direct map of 4 GiB, kernel at -2 GiB), enable long mode
 * and NX, and jump to the higher-half kernel. kernel/mm replaces these tables early in C.
 */
#include <keel/layout.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1 0x3f8

	.section .boot.text, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	mov $boot_stack_top, %esp
	mov %ebx, boot_mbi_phys
	cmp $MB2_BOOTLOADER_MAGIC, %eax
	jne not_multiboot2

	/* CPUID leaf 0x80000001 EDX bit 29: long mode. Bit 20: NX. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	bt $29, %edx
	jnc no_long_mode
	shr $20, %edx
	and $1, %edx
	mov %edx, boot_nx_supported

	call build_boot_page_tables

	mov %cr4, %eax
	or $((1 << 5) | (1 << 7)), %eax		/* PAE, PGE */
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx			/* EFER */
	rdmsr
	or $(1 << 8), %eax			/* LME */
	testl $1, boot_nx_supported
	jz 1f
	or $(1 << 11), %eax			/* NXE */
1:	wrmsr
	mov %cr0, %eax
	or $((1 << 31) | (1 << 16) | 1), %eax	/* PG, WP, PE */
	mov %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_mode_entry

/* 2048 2-MiB pages cover 0..4 GiB; the same tables serve identity, direct map and -2 GiB. */
build_boot_page_tables:
	mov $boot_pd, %edi
	mov $0x83, %eax				/* present, writable, 2 MiB page */
	xor %edx, %edx
	mov $2048, %ecx
1:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 1b

	mov $boot_pdpt_low, %edi
	mov $(boot_pd + 3), %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	add $0x1000, %eax
	add $8, %edi
	loop 2b

	movl $(boot_pd + 3), boot_pdpt_high + 510 * 8
	movl $(boot_pd + 0x1000 + 3), boot_pdpt_high + 511 * 8
	movl $(boot_pdpt_low + 3), boot_pml4
	movl $(boot_pdpt_low + 3), boot_pml4 + 256 * 8
	movl $(boot_pdpt_high + 3), boot_pml4 + 511 * 8
	ret

/* Print the NUL-terminated string at %esi on COM1 and on the VGA text screen, then halt. */
early_fail:
	mov $0xb8000, %edi
1:	lodsb
	test %al, %al
	jz 3f
	mov %al, %bl
	mov $(COM1 + 5), %dx
2:	inb %dx, %al
	test $0x20, %al
	jz 2b
	mov $COM1, %dx
	mov %bl, %al
	outb %al, %dx
	movb %bl, (%edi)
	movb $0x4f, 1(%edi)
	add $2, %edi
	jmp 1b
3:	cli
	hlt
	jmp 3b

not_multiboot2:
	mov $msg_not_multiboot2, %esi
	jmp early_fail
no_long_mode:
	mov $msg_no_long_mode, %esi
	jmp early_fail

	.code64
long_mode_entry:
	xor %eax, %eax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %ax, %fs
	mov %ax, %gs
	movabs $higher_half_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000	/* 0x08: 64-bit code */
	.quad 0x0000920000000000	/* 0x10: data */
boot_gdt_ptr:
	.short boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
	.global boot_mbi_phys, boot_nx_supported
boot_mbi_phys:
	.long 0
boot_nx_supported:
	.long 0
msg_not_multiboot2:
	.asciz "Keel: not booted by a multiboot2 loader (use GRUB's multiboot2 command); halted."
msg_no_long_mode:
	.asciz "Keel: this CPU has no 64-bit long mode; Keel needs an x86_64 CPU; halted."

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.skip 4096
boot_stack_top:

	/* CFI: the return address is undefined here, so gdb's backtraces from the boot context
	 * (kmain, the idle task) end at this frame instead of wandering into the boot stack. */
	.cfi_sections .debug_frame
	.text
	.code64
	.type higher_half_entry, @function
higher_half_entry:
	.cfi_startproc
	.cfi_undefined rip
	movabs $boot_kernel_stack_top, %rsp
	xor %ebp, %ebp
	mov boot_mbi_phys, %edi
	call kmain
1:	cli
	hlt
	jmp 1b
	.cfi_endproc
	.size higher_half_entry, . - higher_half_entry

	.section .bss
	.balign 16
	.global boot_kernel_stack, boot_kernel_stack_top
boot_kernel_stack:
	.skip KERNEL_STACK_SIZE
boot_kernel_stack_top:
