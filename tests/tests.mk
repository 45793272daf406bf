# Keel's tests, included by the top Makefile.
#
#   make test         every step in TEST_TARGETS, in order; a failed step does not stop the
#                     others, and the exit status is non-zero when any failed
#   make test-unit    host unit tests only        make test-qemu   QEMU tests only
#   make bench        boot-time figures (never fails on timing)
#   PYTEST_ARGS='-k crash'  selects QEMU tests;  TEST_JOBS=1  runs one QEMU at a time
#
# Other fragments add steps with `TEST_TARGETS += test-<name>` from tests/mk/<name>.mk; each
# step is a make target that fails when its check fails.
#
# Host unit tests (tests/unit/test_<name>.c, see tests/unit/README.md): each is built with the
# host gcc and ASan/UBSan from the test file, the sources named on its `/* UNIT_SOURCES: ... */`
# line and all of libk. libk's mem*/str*/snprintf names would clash with the host C library,
# so every unit source is compiled with `-include tests/unit/host_prelude.h`, which pulls in the
# host headers first and then renames each libk function keel_<name> by macro.

TEST_JOBS ?= 2
PYTEST_ARGS ?=
TEST_TARGETS := test-build test-clang test-unit test-qemu

UNIT_BUILD := $(BUILD)/unit
UNIT_TESTS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(UNIT_BUILD)/%,$(UNIT_TESTS))
UNIT_LIBK := $(sort $(wildcard libk/*.c))
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-DKEEL_HOST_TEST -include tests/unit/host_prelude.h -Itests/unit -Ikernel/include -Ikernel
unit_sources_of = $(shell sed -n 's|^.*/\* *UNIT_SOURCES:\(.*\)\*/.*$$|\1|p' $(1))
# A header listed there (a harness such as tests/unit/blockfs_host.h) brings its own list.
unit_sources = $(foreach f,$(call unit_sources_of,$(1)),$(f) \
	$(if $(filter %.h,$(f)),$(call unit_sources_of,$(f))))

.PHONY: test-build test-clang test-unit test-unit-build test-qemu

test: deps
	@failed=""; for step in $(TEST_TARGETS); do \
		echo "==== make $$step"; \
		$(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	if [ -n "$$failed" ]; then echo "==== make test: FAILED:$$failed"; exit 1; fi; \
	echo "==== make test: all steps passed ($(TEST_TARGETS))"

test-build:
	$(Q)$(MAKE) --no-print-directory all

# Proves the kernel (and whatever `all` builds) is clean under clang too; not booted.
test-clang:
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=$(BUILD)/clang all

define unit_test_rule
$(UNIT_BUILD)/$(1): tests/unit/$(1).c $$(sort $$(call unit_sources,tests/unit/$(1).c) $(UNIT_LIBK))
	$$(quiet) HOSTCC $$@
	@mkdir -p $$(dir $$@)
	$$(Q)$$(HOSTCC) $(UNIT_CFLAGS) -MMD -MP -o $$@ $$(filter %.c,$$^)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(basename $(notdir $(t))))))
-include $(UNIT_BINS:=.d)

# -k: a test that does not build is reported by the runner; the others still run.
test-unit-build:
	-$(Q)$(MAKE) --no-print-directory -k $(UNIT_BINS)

test-unit: test-unit-build
	$(Q)sh tests/unit/run.sh $(UNIT_BINS)

test-qemu: deps
	$(Q)KEEL_BUILD=$(BUILD) $(PYTHON) -m pytest -o cache_dir=$(BUILD)/.pytest_cache \
	    -n $(TEST_JOBS) --dist loadfile --durations=10 -rA $(PYTEST_ARGS) tests

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)for b in tests/bench/bench_*.py; do KEEL_BUILD=$(BUILD) $(PYTHON) $$b || exit 1; done

-include $(wildcard tests/mk/*.mk)
