# Builds lwIP's core from Debian's source package into lwip.ko (included by modules/modules.mk
# after the in-tree modules' rules). The port layer (modules/lwip/*.c) builds as any module
# folder; lwIP's files are compiled here with the same flags and include paths, plus the few
# warnings lwIP's code needs turned off (only for these files), and are added to the module's
# prelink object. See docs/net.md, "The protocol stack module".

LWIP_STAMP := $(LWIP_SRC)/.unpacked
LWIP_FILES := core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c \
	core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c
LWIP_OBJDIR := $(BUILD)/modules/lwip/lwip-src
LWIP_OBJS := $(patsubst %.c,$(LWIP_OBJDIR)/%.o,$(LWIP_FILES))
# lwIP compares signed with unsigned sizes and leaves parameters unused by design; clang also
# sees its constant-false range checks on u8 fields.
LWIP_NOWARN := -Wno-sign-compare -Wno-unused-parameter -Wno-unused-but-set-variable \
	-Wno-missing-field-initializers -Wno-type-limits \
	$(if $(CC_IS_CLANG),-Wno-tautological-constant-out-of-range-compare)

$(LWIP_STAMP):
	$(quiet) FETCH 'lwip source'
	$(Q)sh tools/lwip-src.sh $(LWIP_SRC)

$(LWIP_OBJS): $(LWIP_OBJDIR)/%.o: $(LWIP_STAMP) | $(LINUX_SHIM)/.stamp
	$(quiet) 'CC [M]' $@
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(MODCFLAGS) $(KB_modules/lwip_CCFLAGS) $(LWIP_NOWARN) \
	    -DKBUILD_MODNAME='"lwip"' -MMD -MP -c $(LWIP_SRC)/src/$*.c -o $@

$(MOD_lwip_OBJS): | $(LWIP_STAMP)
$(BUILD)/modules/lwip/lwip.prelink.o: $(LWIP_OBJS)

-include $(LWIP_OBJS:.o=.d)
