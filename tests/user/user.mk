# User programs for the process tests (tests/test_user.py): each tests/user/NAME.c becomes a
# static musl binary $(BUILD)/user/NAME (Debian's musl-gcc, package musl-tools), plus
# hello-pie built as a static PIE (ET_DYN). They are installed in the initrd's /bin.

MUSL_GCC ?= musl-gcc
USER_SRCS := $(sort $(wildcard tests/user/*.c))
USER_NAMES := $(patsubst tests/user/%.c,%,$(USER_SRCS)) hello-pie
USER_PROGS := $(addprefix $(BUILD)/user/,$(USER_NAMES))
USER_STAGE := $(BUILD)/user-staging
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror

$(BUILD)/user/%: tests/user/%.c $(wildcard tests/user/*.h)
	$(quiet) MUSLCC $@
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_GCC) $(USER_CFLAGS) -o $@ $<

$(BUILD)/user/hello-pie: tests/user/hello.c
	$(quiet) MUSLCC $@
	@mkdir -p $(dir $@)
	$(Q)$(MUSL_GCC) $(USER_CFLAGS) -static-pie -fPIE -o $@ $<

$(USER_STAGE)/%: $(BUILD)/user/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

user: $(USER_PROGS)
.PHONY: user
INITRD_STAGE_DIRS += bin=$(USER_STAGE)
INITRD_DEPS += $(addprefix $(USER_STAGE)/,$(USER_NAMES))
$(INITRD): $(addprefix $(USER_STAGE)/,$(USER_NAMES))
