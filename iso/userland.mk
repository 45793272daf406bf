# The initrd's userland (issue 14 point 9): Debian's busybox-static (tools/deps.sh installs
# it) as /bin/busybox with its applet links, and /etc/inittab for busybox init, staged by
# tools/mkuserland.sh. Test programs of the same name (tests/user/user.mk) keep their place.
BUSYBOX_STATIC ?= /bin/busybox
USERLAND_STAGE := $(BUILD)/userland-staging

$(USERLAND_STAGE)/bin/busybox: $(BUSYBOX_STATIC) tools/mkuserland.sh iso/userland.mk
	$(quiet) STAGE $(USERLAND_STAGE)
	$(Q)sh tools/mkuserland.sh $(BUSYBOX_STATIC) $(USERLAND_STAGE) "$(USER_NAMES)"

INITRD_STAGE_DIRS += =$(USERLAND_STAGE)
INITRD_DEPS += $(USERLAND_STAGE)/bin/busybox
$(INITRD): $(USERLAND_STAGE)/bin/busybox
