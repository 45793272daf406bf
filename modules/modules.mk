# Loadable modules and the kernel's export CRCs (included by the top-level Makefile).
#
#   make                     also builds every modules/<name>/ into $(BUILD)/modules/<name>.ko
#                            and puts them, with modules.dep/modules.alias, in the initrd's
#                            /lib/modules
#   make modules             just the in-tree modules
#   make modules M=<dir>     the out-of-tree modules in <dir> (each <dir>/<name>.c, or what
#                            <dir>/Kbuild lists), built beside their sources
#   make modules_clean M=<dir>
#
# A module folder may have a Kbuild file, as in Linux:  obj-m := foo.o  and  foo-objs := a.o b.o
# (or foo-y := ...), and  ccflags-y := ...  (extra compiler flags for the folder's sources, after
# the kernel's, e.g. -O0 or -DDEBUG). Without obj-m, modules/<name>/ builds all its .c files into
# <name>.ko.
# Pipeline per module: .c -> .o (+ .i, the -E output for modversions) -> <name>.prelink.o
# (ld -r) -> modpost (whole set at once) -> <name>.mod.c -> .mod.o -> <name>.ko (ld -r -T
# modules/module.lds). See docs/modules.md.

.PHONY: modules modules_clean

# ---- Kernel exports: modversions CRCs, Module.symvers, the absolute __crc_<sym> symbols ----
# Only files with EXPORT_SYMBOL lines are preprocessed again (with -D__GENKSYMS__).
KSYM_SOURCES := $(shell grep -l '^[[:space:]]*EXPORT_SYMBOL' $(KERNEL_C) 2>/dev/null)
KSYM_SYMVERS := $(patsubst %.c,$(BUILD)/%.symvers,$(KSYM_SOURCES))
KERNEL_SYMVERS := $(BUILD)/Module.symvers

$(BUILD)/%.symvers: %.c tools/genksyms.py
	$(quiet) GENKSYMS $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(KCFLAGS) -D__GENKSYMS__ -E -MMD -MP -MF $@.d -MT $@ $< -o $(@:.symvers=.i)
	$(Q)$(PYTHON) tools/genksyms.py crc $(@:.symvers=.i) keel > $@.tmp && mv $@.tmp $@

$(KERNEL_SYMVERS): $(KSYM_SYMVERS)
	$(quiet) GEN $@
	$(Q)cat $^ /dev/null | LC_ALL=C sort -t '	' -k2,2 > $@.tmp && \
	    (cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@)

$(BUILD)/kcrc.S: $(KERNEL_SYMVERS) tools/genksyms.py
	$(quiet) GEN $@
	$(Q)$(PYTHON) tools/genksyms.py asm $< > $@

$(BUILD)/kcrc.o: $(BUILD)/kcrc.S
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The CRCs are absolute symbols (no bytes), so both kallsyms link passes see the same layout.
# The link recipes expand KERNEL_OBJS late, so appending here adds kcrc.o to both links.
KERNEL_OBJS += $(BUILD)/kcrc.o
$(BUILD)/keel.0.elf $(KERNEL_ELF): $(BUILD)/kcrc.o

-include $(KSYM_SYMVERS:=.d)

# ---- Modules ----
KEEL_VERSION := $(shell sed -n 's/^\#define KEEL_VERSION "\(.*\)"$$/\1/p' kernel/init/version.h)
# Modules see only the public API (kernel/include), never the kernel's internal headers.
MODCFLAGS := $(filter-out -Ikernel,$(KCFLAGS)) -DMODULE
MODULE_LDS := modules/module.lds
MODPOST_DEPS := tools/modpost.py tools/genksyms.py tools/elfsections.py tools/pcialias.py $(MODULE_LDS)

# Reads <dir>/Kbuild into KB_<dir>_MODS, KB_<dir>_<name>_SRCS and KB_<dir>_CCFLAGS (empty when
# there is no Kbuild).
define kbuild_read
obj-m :=
ccflags-y :=
-include $(1)/Kbuild
KB_$(1)_MODS := $$(patsubst %.o,%,$$(obj-m))
KB_$(1)_CCFLAGS := $$(ccflags-y)
$$(foreach m,$$(KB_$(1)_MODS),$$(eval KB_$(1)_$$(m)_SRCS := $$(addprefix $(1)/,\
	$$(patsubst %.o,%.c,$$(or $$($$(m)-objs),$$($$(m)-y),$$(m).o)))))
endef

# mod_rules(name, sources, objdir, ko, set, ccflags): the rules building one module.
define mod_rules
MOD_$(1)_OBJS := $$(patsubst %.c,$(3)/%.o,$$(notdir $(2)))
MOD_$(1)_SPEC := $(1):$(3):$(3)/$(1).prelink.o:$$(subst $$(space),$$(comma),$$(MOD_$(1)_OBJS:.o=.i))
$(5)_SPECS += $$(MOD_$(1)_SPEC)
$(5)_PRELINKS += $(3)/$(1).prelink.o
$(5)_KOS += $(4)

$$(MOD_$(1)_OBJS): $(3)/%.o: $(dir $(firstword $(2)))%.c
	$$(quiet) 'CC [M]' $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(CC) $$(MODCFLAGS) $(6) -DKBUILD_MODNAME='"$(subst -,_,$(1))"' -MMD -MP -c $$< \
	    -o $$@
	$$(Q)$$(CC) $$(MODCFLAGS) $(6) -DKBUILD_MODNAME='"$(subst -,_,$(1))"' -D__GENKSYMS__ -E \
	    $$< -o $$(@:.o=.i)

$(3)/$(1).prelink.o: $$(MOD_$(1)_OBJS)
	$$(Q)$$(LD) -r -o $$@ $$^

$(3)/$(1).mod.o: $$($(5)_STAMP)
	$$(Q)$$(CC) $$(MODCFLAGS) $(6) -DKBUILD_MODNAME='"$(subst -,_,$(1))"' \
	    -DKEEL_VERSION='"$$(KEEL_VERSION)"' -c $(3)/$(1).mod.c -o $$@

$(4): $(3)/$(1).prelink.o $(3)/$(1).mod.o $$(MODULE_LDS)
	$$(quiet) 'LD [M]' $$@
	$$(Q)$$(LD) -r -T $$(MODULE_LDS) -o $$@ $(3)/$(1).prelink.o $(3)/$(1).mod.o

-include $$(MOD_$(1)_OBJS:.o=.d)
endef

# mod_add(name, sources, objdir, ko, set, ccflags): mod_rules with stray spaces removed.
mod_add = $(eval $(call mod_rules,$(strip $(1)),$(strip $(2)),$(strip $(3)),$(strip $(4)),$(strip \
	$(5)),$(strip $(6))))

comma := ,
empty :=
space := $(empty) $(empty)

# modpost_rules(set, stampdir, out-symvers, extra symvers): one modpost run for a module set.
define modpost_rules
$(2)/.modpost.stamp: $$($(1)_PRELINKS) $$(KERNEL_SYMVERS) $$(MODPOST_DEPS) $(4)
	$$(quiet) MODPOST $(3)
	@mkdir -p $(2)
	$$(Q)$$(PYTHON) tools/modpost.py --nm $$(NM) --out-symvers $(3) \
	    --symvers $$(KERNEL_SYMVERS) $(addprefix --symvers ,$(4)) $$($(1)_SPECS)
	@touch $$@
endef

# In-tree modules: one per folder under modules/.
INTREE_STAMP := $(BUILD)/modules/.modpost.stamp
INTREE_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard modules/*/*.c modules/*/Kbuild))))
$(foreach d,$(INTREE_DIRS),$(eval $(call kbuild_read,$(d))))
$(foreach d,$(INTREE_DIRS),$(if $(KB_$(d)_MODS),\
	$(foreach m,$(KB_$(d)_MODS),$(call mod_add,$(m),$(KB_$(d)_$(m)_SRCS),\
		$(BUILD)/modules/$(m),$(BUILD)/modules/$(m).ko,INTREE,$(KB_$(d)_CCFLAGS))),\
	$(call mod_add,$(notdir $(d)),$(sort $(wildcard $(d)/*.c)),\
		$(BUILD)/modules/$(notdir $(d)),$(BUILD)/modules/$(notdir $(d)).ko,INTREE,\
		$(KB_$(d)_CCFLAGS))))
INTREE_SYMVERS := $(BUILD)/modules/Module.symvers
$(eval $(call modpost_rules,INTREE,$(BUILD)/modules,$(INTREE_SYMVERS),))

# The initrd's /lib/modules: the in-tree .ko files, modules.dep and modules.alias.
MODULES_STAGE := $(BUILD)/modules-staging
$(MODULES_STAGE)/modules.dep: $(INTREE_KOS) tools/depmod.py tools/elfsections.py
	$(quiet) DEPMOD $@
	$(Q)rm -rf $(MODULES_STAGE) && mkdir -p $(MODULES_STAGE)
	$(Q)$(if $(INTREE_KOS),cp $(INTREE_KOS) $(MODULES_STAGE)/)
	$(Q)$(PYTHON) tools/depmod.py $(MODULES_STAGE)

INITRD_STAGE_DIRS += lib/modules=$(MODULES_STAGE)
INITRD_DEPS += $(MODULES_STAGE)/modules.dep
# The Makefile read the $(INITRD) rule before this file, so name the prerequisite directly.
$(INITRD): $(MODULES_STAGE)/modules.dep

# Out-of-tree modules: make modules M=<dir>.
ifneq ($(M),)
EXT_DIR := $(patsubst %/,%,$(abspath $(M)))
EXT_STAMP := $(EXT_DIR)/.modpost.stamp
$(eval $(call kbuild_read,$(EXT_DIR)))
$(if $(KB_$(EXT_DIR)_MODS),\
	$(foreach m,$(KB_$(EXT_DIR)_MODS),$(call mod_add,$(m),$(KB_$(EXT_DIR)_$(m)_SRCS),\
		$(EXT_DIR),$(EXT_DIR)/$(m).ko,EXT,$(KB_$(EXT_DIR)_CCFLAGS))),\
	$(foreach c,$(sort $(filter-out %.mod.c,$(wildcard $(EXT_DIR)/*.c))),$(call mod_add,$(basename \
		$(notdir $(c))),$(c),$(EXT_DIR),$(EXT_DIR)/$(basename $(notdir $(c))).ko,EXT,\
		$(KB_$(EXT_DIR)_CCFLAGS))))
$(eval $(call modpost_rules,EXT,$(EXT_DIR),$(EXT_DIR)/Module.symvers,$(wildcard $(INTREE_SYMVERS))))

modules: $(EXT_KOS)
modules_clean:
	rm -f $(addprefix $(EXT_DIR)/,*.o *.i *.d *.ko *.mod.c Module.symvers .modpost.stamp)
else
modules: $(MODULES_STAGE)/modules.dep
modules_clean:
	rm -rf $(BUILD)/modules $(MODULES_STAGE)
endif
