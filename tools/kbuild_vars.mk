# Reads an out-of-tree module folder's Kbuild or Makefile in a make of its own and prints what
# the module build needs as make assignments (modules/modules.mk includes the result).
# A separate make keeps the folder's own rules and variables (all:, clean:, KDIR, CC...) out of
# Keel's build, as Linux's kbuild does. As in Linux, KERNELRELEASE is set, so the usual
#   ifneq ($(KERNELRELEASE),)  obj-m := foo.o  else  ...$(MAKE) -C $(KDIR) M=$(PWD)...  endif
# Makefile takes its kbuild branch.
# Usage: make -f tools/kbuild_vars.mk KBUILD_FILE=<dir>/Makefile src=<dir> KERNELRELEASE=<v> kbuild-vars

obj-m :=
ccflags-y :=
obj := $(src)
include $(KBUILD_FILE)

KB_MODS := $(patsubst %.o,%,$(filter %.o,$(obj-m)))

.PHONY: kbuild-vars
kbuild-vars:
	$(info KB_MODS := $(KB_MODS))
	$(info KB_CCFLAGS := $(ccflags-y))
	$(foreach m,$(KB_MODS),$(info KB_OBJS_$(m) := $(or $($(m)-objs),$($(m)-y),$(m).o)))
	@:
