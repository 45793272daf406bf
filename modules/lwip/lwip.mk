# Builds lwIP's core from Debian's source package into lwip.ko (included by modules/modules.mk
# after the in-tree modules' rules). The port layer (modules/lwip/*.c) builds as any module
# folder; lwIP's files are compiled here with the same flags and include paths, plus
# LWIP_NOWARN (warnings turned off for these files only), and are added to the module's prelink
# object. See docs/net.md, "The protocol stack module".

LWIP_STAMP := $(LWIP_SRC)/.unpacked
LWIP_FILES := core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c core/mem.c \
	core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c \
	core/ipv4/icmp.c core/ipv4/igmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	netif/ethernet.c
LWIP_OBJDIR := $(BUILD)/modules/lwip/lwip-src
LWIP_OBJS := $(patsubst %.c,$(LWIP_OBJDIR)/%.o,$(LWIP_FILES))
# Debian's lwIP 2.1.3 builds clean with the kernel's -Wall -Wextra -Werror under GCC 12 and
# clang 14 with this configuration: nothing to turn off. A newer lwIP or compiler that warns
# gets its -Wno-... here, never in the kernel's flags.
LWIP_NOWARN :=

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
