# libFuzzer targets (included by tests/tests.mk): the module loader core (with its fixtures
# and broken-module corpus) and each disk filesystem module (fuzz_fs, below). `make test`
# runs a short bounded fuzz of each; `make fuzz` a long one of each (FUZZ_SECONDS, default
# 300, per target). The fuzzers need clang with libclang-rt (sanitizers + libFuzzer).

FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 20
FUZZ_CLANG ?= clang
MODLOAD_FIXTURES := $(BUILD)/modfixtures
MODLOAD_BADKO := $(BUILD)/badko
MODLOAD_CORE := kernel/module/elf_check.c kernel/module/layout.c kernel/module/symbols.c \
	kernel/module/relocate.c kernel/module/reloc_check.c kernel/module/handoff.c libk/vsnprintf.c
FUZZ_MODLOAD := $(BUILD)/fuzz/fuzz_modload
FUZZ_MODLOAD_SEEDS := $(BUILD)/fuzz/seeds-modload
FUZZ_MODLOAD_CORPUS := $(BUILD)/fuzz/corpus-modload
# libk's printf family is renamed so it does not replace the C library's inside libFuzzer.
FUZZ_CFLAGS := -g -O1 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Ikernel/include -Ikernel -DKEEL_HOST_TEST -fno-builtin \
	-Dvsnprintf=keel_vsnprintf -Dsnprintf=keel_snprintf -Dvscnprintf=keel_vscnprintf \
	-Dscnprintf=keel_scnprintf
FUZZ_FLAGS := -rss_limit_mb=1024 -timeout=10 -max_len=65536 -print_final_stats=0 \
	-artifact_prefix=$(BUILD)/fuzz/

.PHONY: modload-fixtures fuzz fuzz-modload-short

$(MODLOAD_FIXTURES)/stamp: tools/mkmodfixtures.py $(wildcard tests/fixtures/modload/*) Makefile
	$(quiet) GEN $(MODLOAD_FIXTURES)
	$(Q)$(PYTHON) tools/mkmodfixtures.py $(MODLOAD_FIXTURES) && touch $@

$(MODLOAD_BADKO)/manifest.txt: $(MODLOAD_FIXTURES)/stamp tools/mkbadko.py
	$(quiet) GEN $(MODLOAD_BADKO)
	$(Q)$(PYTHON) tools/mkbadko.py $(MODLOAD_FIXTURES)/fx-basic-gcc-O2.ko $(MODLOAD_BADKO)

modload-fixtures: $(MODLOAD_FIXTURES)/stamp $(MODLOAD_BADKO)/manifest.txt

$(FUZZ_MODLOAD): tests/fuzz/fuzz_modload.c $(MODLOAD_CORE) $(wildcard kernel/module/*.h)
	$(quiet) FUZZCC $@
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CLANG) $(FUZZ_CFLAGS) tests/fuzz/fuzz_modload.c $(MODLOAD_CORE) -o $@

$(FUZZ_MODLOAD_SEEDS)/stamp: $(MODLOAD_FIXTURES)/stamp $(MODLOAD_BADKO)/manifest.txt \
		$(wildcard tests/fuzz/regressions/modload/*)
	@mkdir -p $(dir $@) $(FUZZ_MODLOAD_CORPUS)
	$(Q)cp $(MODLOAD_FIXTURES)/*.ko $(MODLOAD_BADKO)/*.ko $(dir $@) && \
	    cp tests/fuzz/regressions/modload/* $(dir $@) && rm -f $(dir $@)README.md && touch $@

fuzz-modload-short: $(FUZZ_MODLOAD) $(FUZZ_MODLOAD_SEEDS)/stamp
	$(quiet) FUZZ "module loader ($(FUZZ_SHORT_SECONDS) s)"
	$(Q)$(FUZZ_MODLOAD) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SHORT_SECONDS) \
	    $(FUZZ_MODLOAD_CORPUS) $(FUZZ_MODLOAD_SEEDS) > $(BUILD)/fuzz/modload-short.log 2>&1 || \
	    { tail -60 $(BUILD)/fuzz/modload-short.log; exit 1; }

fuzz: $(FUZZ_MODLOAD) $(FUZZ_MODLOAD_SEEDS)/stamp
	$(FUZZ_MODLOAD) $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	    $(FUZZ_MODLOAD_CORPUS) $(FUZZ_MODLOAD_SEEDS)

TEST_TARGETS += fuzz-modload-short

# ---- Filesystem modules: tests/fuzz/fuzz_fs.c linked with one filesystem's sources ----
# Each target mounts its input as a disk image through the real VFS and page cache
# (tests/unit/blockfs_host.h), walks the tree, writes a little, syncs and unmounts, under
# ASan/UBSan, and aborts on any leak. Adding a filesystem is one line:
#
#   $(eval $(call fuzz_fs,NAME,SOURCES,TYPE,DISK_BYTES))
#
#   NAME        the target: fuzz-NAME (long run, also part of `make fuzz`), fuzz-NAME-short (a
#               few seconds, part of `make test`), $(BUILD)/fuzz/fuzz_fs_NAME
#   SOURCES     the module's .c files, compiled for the host (-DKEEL_HOST_TEST), plus any
#               kernel file they call beyond the VFS, page cache and libk (FS_HOST_SOURCES):
#               its module_init registers the type, module_exit unregisters it
#   TYPE        the name it registers (mount -t TYPE); the driver also mounts without a type
#   DISK_BYTES  the disk the input is zero-padded to (the images' declared size must fit)
#
# Seeds: tests/fuzz/mkseeds_fs.py NAME DIR writes small valid images made with the host's
# mkfs tools (vfat: mkfs.fat -C, FAT12/16/32; ext2: mke2fs -d, 1 KiB and 4 KiB blocks;
# iso9660: xorriso -as mkisofs -R), plus tests/fuzz/regressions/NAME/* (inputs that once
# crashed: add each one there when fixing it). For the filesystems being written:
#
#   $(eval $(call fuzz_fs,vfat,$(wildcard modules/vfat/*.c),vfat,40*1024*1024))
#   $(eval $(call fuzz_fs,ext2,$(wildcard modules/ext2/*.c),ext2,8*1024*1024))

FUZZ_FS_SHORT_SECONDS ?= 10
FUZZ_FS_HEADERS := $(wildcard tests/unit/*.h tests/fs/*.h kernel/fs/*.h)
FS_HOST_SOURCES := $(filter %.c,$(call unit_sources,tests/unit/blockfs_host.h))
FUZZ_FS_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(UNIT_CFLAGS)) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_FS_FLAGS := -rss_limit_mb=2048 -timeout=20 -max_len=1048576 -print_final_stats=0 \
	-artifact_prefix=$(BUILD)/fuzz/

define fuzz_fs
$(BUILD)/fuzz/fuzz_fs_$(1): tests/fuzz/fuzz_fs.c $(FS_HOST_SOURCES) $(2) $(UNIT_LIBK) $(FUZZ_FS_HEADERS)
	$$(quiet) FUZZCC $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$(FUZZ_CLANG) $(FUZZ_FS_CFLAGS) -DFUZZ_FS_TYPE='"$(3)"' \
	    -DFUZZ_FS_DISK_BYTES='($(4))' -o $$@ $$(filter %.c,$$^)

$(BUILD)/fuzz/seeds-$(1)/stamp: tests/fuzz/mkseeds_fs.py $(wildcard tests/fuzz/regressions/$(1)/*)
	$$(quiet) GEN $$(dir $$@)
	@mkdir -p $$(dir $$@) $(BUILD)/fuzz/corpus-$(1)
	$$(Q)$(PYTHON) tests/fuzz/mkseeds_fs.py $(1) $$(dir $$@)
	$$(Q)if [ -d tests/fuzz/regressions/$(1) ]; then cp tests/fuzz/regressions/$(1)/* $$(dir $$@); fi
	@rm -f $$(dir $$@)README.md && touch $$@

.PHONY: fuzz-$(1) fuzz-$(1)-short
fuzz-$(1)-short: $(BUILD)/fuzz/fuzz_fs_$(1) $(BUILD)/fuzz/seeds-$(1)/stamp
	$$(quiet) FUZZ "$(1) ($(FUZZ_FS_SHORT_SECONDS) s)"
	$$(Q)$$< $(FUZZ_FS_FLAGS) -max_total_time=$(FUZZ_FS_SHORT_SECONDS) \
	    $(BUILD)/fuzz/corpus-$(1) $(BUILD)/fuzz/seeds-$(1) > $(BUILD)/fuzz/$(1)-short.log 2>&1 || \
	    { tail -60 $(BUILD)/fuzz/$(1)-short.log; exit 1; }

fuzz-$(1): $(BUILD)/fuzz/fuzz_fs_$(1) $(BUILD)/fuzz/seeds-$(1)/stamp
	$$< $(FUZZ_FS_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	    $(BUILD)/fuzz/corpus-$(1) $(BUILD)/fuzz/seeds-$(1)

fuzz: fuzz-$(1)
TEST_TARGETS += fuzz-$(1)-short
endef

# flatfs (tests/fs/flatfs.c): the test filesystem proving the framework.
$(eval $(call fuzz_fs,flatfs,tests/fs/flatfs.c,flatfs,1024*1024))
# iso9660.ko (modules/iso9660/): ISO 9660 with Rock Ridge; images of 2048-byte sectors.
$(eval $(call fuzz_fs,iso9660,$(wildcard modules/iso9660/*.c),iso9660,8*1024*1024))
# ext2.ko (modules/ext2/): revision 0/1, 1-4 KiB blocks.
$(eval $(call fuzz_fs,ext2,$(wildcard modules/ext2/*.c),ext2,8*1024*1024))
# vfat.ko (modules/vfat/): FAT12/16/32; the FAT32 seed is 34 MiB.
$(eval $(call fuzz_fs,vfat,$(wildcard modules/vfat/*.c),vfat,40*1024*1024))
