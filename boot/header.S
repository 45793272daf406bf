/* The multiboot2 header: asks GRUB for a framebuffer (optional) and says EGA text also works. */
#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Console flags tag: EGA text console is supported (used under BIOS). */
	.balign 8
	.short 4, 0
	.long 12
	.long 2

	/* Framebuffer tag, optional: 1024x768x32 preferred; UEFI has no text mode. */
	.balign 8
	.short 5, 1
	.long 20
	.long 1024, 768, 32

	/* End tag. */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:
