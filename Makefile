# Keel's build: the base kernel, its initrd and the hybrid BIOS/UEFI boot ISO.
# `make` builds, `make run` boots it in QEMU, `make test` runs every test. V=1 shows full commands.

BUILD ?= build
CMDLINE ?=
INITRD_EXTRA ?=
KVM ?= 0
MEM ?= 256M
# Lock and sleep checks (might_sleep reports, spinlock recursion/IRQ-use reports); on by
# default and in tests, DEBUG_LOCKS=0 turns them off (docs/sched.md).
DEBUG_LOCKS ?= 1

# Toolchain: an x86_64-elf- cross compiler when one is on PATH, else the host's GCC.
CROSS ?= $(if $(shell command -v x86_64-elf-gcc 2>/dev/null),x86_64-elf-,)
ifeq ($(origin CC),default)
CC := $(CROSS)gcc
endif
LD := $(CROSS)ld
NM := $(CROSS)nm
OBJCOPY := $(CROSS)objcopy
HOSTCC ?= gcc
PYTHON := /usr/bin/python3

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CC_IS_CLANG := $(shell $(CC) --version 2>/dev/null | grep -qi clang && echo 1)

# Flags every piece of kernel-mode code (base kernel and modules) is built with.
# SSE/x87 are off: kernel code never touches FPU state, so no state is saved on entry.
# No sibling calls (as Linux with frame pointers): a tail call to kmalloc would record the
# caller's caller as the block's owner, and a kernel block could be freed with a module.
KERNEL_ARCH_FLAGS := -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fno-stack-protector -fno-common \
	-fno-strict-aliasing -fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-optimize-sibling-calls -mno-mmx -mno-sse -mno-sse2 -mno-80387
ifneq ($(CC_IS_CLANG),1)
# -fno-shrink-wrap: GCC would otherwise set up RBP frames only on some paths of a function,
# which breaks the frame-pointer backtraces of oopses (clang keeps prologues at entry already).
KERNEL_ARCH_FLAGS += -mgeneral-regs-only -fno-tree-loop-distribute-patterns -fno-shrink-wrap
endif
WARN_FLAGS := -Wall -Wextra -Werror -Wno-unused-parameter
KCFLAGS := -std=gnu11 -O2 -g $(WARN_FLAGS) $(KERNEL_ARCH_FLAGS) -Ikernel/include -Ikernel \
	-DCONFIG_DEBUG_ATOMIC_SLEEP=$(DEBUG_LOCKS) -DCONFIG_DEBUG_SPINLOCK=$(DEBUG_LOCKS) \
	-DKEEL_BUILD_INFO='"$(if $(CC_IS_CLANG),clang,gcc) $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)"'
KASFLAGS := $(KERNEL_ARCH_FLAGS) -Ikernel/include -D__ASSEMBLER__
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments -T linker.ld

KERNEL_C := $(shell find kernel libk -name '*.c' | sort)
KERNEL_S := $(shell find boot kernel -name '*.S' | sort)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(KERNEL_S) $(KERNEL_C)))
# The framebuffer console's font, converted from a console-setup PSF font at build time.
FONT_PSF ?= /usr/share/consolefonts/Lat15-Terminus16.psf.gz
FONT_OBJ := $(BUILD)/generated/font_data.o
KERNEL_OBJS += $(FONT_OBJ)
KERNEL_ELF := $(BUILD)/keel.elf
ISO := $(BUILD)/keel.iso
INITRD := $(BUILD)/initrd.cpio
INITRD_ROOT := $(BUILD)/initrd-root

.PHONY: all iso kernel initrd clean run run-uefi debug push test bench deps FORCE
.DEFAULT_GOAL := all

all: $(ISO)
iso: $(ISO)
kernel: $(KERNEL_ELF)

$(BUILD)/%.o: %.c
	$(quiet) CC $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.S
	$(quiet) AS $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

# Generated font: tools/psf2c.py decompresses and converts the PSF font, compiled like kernel code.
$(BUILD)/generated/font_data.c: $(FONT_PSF) tools/psf2c.py
	$(quiet) GEN $@
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/psf2c.py $< $@

$(FONT_OBJ): $(BUILD)/generated/font_data.c
	$(quiet) CC $@
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

# The symbol table for backtraces is generated from a first link and linked in a second time.
# It sits at the end of .rodata, so adding it moves no function: the table stays exact.
$(BUILD)/kallsyms.0.S:
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) tools/kallsyms.py /dev/null > $@

$(BUILD)/keel.0.elf: $(KERNEL_OBJS) $(BUILD)/kallsyms.0.o linker.ld
	$(quiet) LD $@
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/kallsyms.0.o

$(BUILD)/kallsyms.S: $(BUILD)/keel.0.elf tools/kallsyms.py
	$(quiet) GEN $@
	$(Q)$(NM) -n -S $< | $(PYTHON) tools/kallsyms.py - > $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(BUILD)/kallsyms.o linker.ld
	$(quiet) LD $@
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/kallsyms.o
	$(Q)$(NM) -n $(BUILD)/keel.0.elf | grep -i ' t ' > $(BUILD)/text.0.syms; \
	    $(NM) -n $@ | grep -i ' t ' > $(BUILD)/text.syms; \
	    cmp -s $(BUILD)/text.0.syms $(BUILD)/text.syms || \
	    { echo "kallsyms: text moved between link passes" >&2; rm -f $@; exit 1; }

$(BUILD)/kallsyms.o: $(BUILD)/kallsyms.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@
$(BUILD)/kallsyms.0.o: $(BUILD)/kallsyms.0.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The initrd: iso/initrd/ plus built modules, plus INITRD_EXTRA under /extra/. FORCE rebuilds
# it every time, so INITRD_EXTRA's files are not listed as prerequisites (make would split
# names with blanks); the folder's path goes through the environment, unexpanded and unquoted.
INITRD_INPUTS := $(shell find iso/initrd -type f 2>/dev/null)
$(INITRD): export INITRD_EXTRA := $(value INITRD_EXTRA)
$(INITRD): $(INITRD_INPUTS) $(INITRD_DEPS) tools/mkinitrd.sh FORCE
	$(quiet) CPIO $@
	$(Q)sh tools/mkinitrd.sh $(INITRD_ROOT) $@ iso/initrd $(INITRD_STAGE_DIRS)

# CMDLINE reaches the script unexpanded and through the environment: a $ in it is the user's,
# not make's, and no quote can break a shell command (tools/grubcfg.sh says what it refuses).
$(BUILD)/grub.cfg: export KEEL_CMDLINE := $(value CMDLINE)
$(BUILD)/grub.cfg: iso/grub.cfg.in tools/grubcfg.sh FORCE
	@mkdir -p $(dir $@)
	$(Q)sh tools/grubcfg.sh $< $@

$(ISO): $(KERNEL_ELF) $(INITRD) $(BUILD)/grub.cfg
	$(quiet) ISO $@
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	$(Q)cp $(KERNEL_ELF) $(INITRD) $(BUILD)/isodir/boot/
	$(Q)cp $(BUILD)/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/isodir >$(BUILD)/grub-mkrescue.log 2>&1 || \
	    { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# Running in QEMU (TCG unless KVM=1), serial console on this terminal. The terminal is one
# multiplexed QEMU character device: keys (Ctrl-C included) go to the guest's serial port,
# Ctrl-A X quits QEMU, Ctrl-A C toggles QEMU's monitor, Ctrl-A H lists the rest.
#   DISPLAY=gtk|sdl|curses  also shows the screen (default: none, serial only; any other value,
#                           such as X11's ":0", is ignored)
#   DISK=disk.img           attaches a raw disk image (IDE primary master on -M pc)
#   QEMU_EXTRA='...'        appended to QEMU's command line
QEMU_ACCEL := $(if $(filter 1,$(KVM)),-accel kvm -cpu host,-accel tcg)
QEMU_COMMON := $(QEMU_ACCEL) -m $(MEM) -device isa-debug-exit,iobase=0xf4,iosize=0x04
# COM4 (ttyS3) is where `make push` sends rebuilt modules (kernel/module/push.c).
PUSH_SOCKET := $(abspath $(BUILD))/push.sock
QEMU_CONSOLE := -chardev stdio,id=con0,mux=on,signal=off -serial chardev:con0 \
	-mon chardev=con0,mode=readline -serial null -serial null \
	-chardev socket,id=push0,path=$(PUSH_SOCKET),server=on,wait=off -serial chardev:push0
QEMU_SCREEN := $(if $(filter gtk sdl curses,$(DISPLAY)),-display $(DISPLAY),-display none)
comma := ,
QEMU_DISK := $(if $(DISK),-drive file=$(DISK)$(comma)format=raw$(comma)if=ide$(comma)index=0)
QEMU_RUN = qemu-system-x86_64 $(QEMU_COMMON) $(QEMU_CONSOLE) $(QEMU_SCREEN) $(QEMU_DISK) \
	$(QEMU_EXTRA)
OVMF_CODE := /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS := /usr/share/OVMF/OVMF_VARS_4M.fd

run: deps $(ISO)
	$(QEMU_RUN) -cdrom $(ISO)

run-uefi: deps $(ISO)
	cp $(OVMF_VARS) $(BUILD)/ovmf-vars.fd
	$(QEMU_RUN) -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
	    -drive if=pflash,format=raw,file=$(BUILD)/ovmf-vars.fd -cdrom $(ISO)

debug: deps $(ISO)
	@echo "QEMU is waiting for gdb: in another terminal run  gdb -x tools/gdbinit"
	$(QEMU_RUN) -s -S -cdrom $(ISO)

# make push M=dir: rebuilds the out-of-tree modules in dir and replaces them in the guest that
# `make run` (same BUILD) is running, keeping their parameters.
push: modules
	$(if $(M),,$(error make push needs M=<folder of the module>))
	$(Q)$(PYTHON) tools/push.py $(PUSH_SOCKET) $(EXT_KOS)

deps:
	@sh tools/deps.sh

clean:
	rm -rf $(BUILD)

-include tests/tests.mk
-include modules/modules.mk
-include tests/user/user.mk
-include iso/userland.mk
-include $(KERNEL_OBJS:.o=.d)
