# Module loader core: fixtures, broken-module corpus and the libFuzzer target (included by
# tests/tests.mk). `make test` runs a short bounded fuzz; `make fuzz` a long one
# (FUZZ_SECONDS, default 300). The fuzzer needs clang with libclang-rt (sanitizers + libFuzzer).

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
