/*
 * Host unit test of usbcore's configuration descriptor parser: a keyboard's and a hub's
 * configurations, then broken ones (lengths past the buffer, zero-length descriptors, absurd
 * counts), each refused with its reason.
 */
/* UNIT_SOURCES: modules/usbcore/config.c */
#include <string.h>
#include <keel/errno.h>
#include <keel/usb.h>
#include "unit.h"

/* QEMU's usb-kbd: configuration, interface 0 (HID boot keyboard), HID descriptor, EP 0x81. */
static const u8 kbd[] = {
	9, 2, 34, 0, 1, 1, 0, 0xa0, 50,
	9, 4, 0, 0, 1, 3, 1, 1, 0,
	9, 0x21, 0x11, 0x01, 0, 1, 0x22, 63, 0,
	7, 5, 0x81, 3, 8, 0, 7,
};

static u8 buf[512];
static struct usb_host_config cfg;
static const char *why;

static int parse(const u8 *data, size_t len)
{
	why = NULL;
	return usb_parse_configuration(data, len, &cfg, &why);
}

static void check_refused(const u8 *data, size_t len, const char *reason)
{
	CHECK_INT(parse(data, len), -EINVAL);
	CHECK(why != NULL);
	if (why)
		CHECK_STR(why, reason);
}

static size_t copy_kbd(void)
{
	memcpy(buf, kbd, sizeof(kbd));
	return sizeof(kbd);
}

static void test_keyboard(void)
{
	CHECK_INT(parse(kbd, sizeof(kbd)), 0);
	CHECK_UINT(cfg.num_interfaces, 1);
	CHECK_UINT(cfg.num_endpoints, 1);
	CHECK_UINT(cfg.desc.bConfigurationValue, 1);
	CHECK_UINT(cfg.intf[0].desc.bInterfaceClass, 3);
	CHECK_UINT(cfg.intf[0].desc.bInterfaceProtocol, 1);
	CHECK(cfg.intf[0].endpoint == &cfg.ep[0]);
	CHECK_UINT(cfg.ep[0].desc.bEndpointAddress, 0x81);
	CHECK_UINT(cfg.ep[0].desc.wMaxPacketSize, 8);
}

static void test_alternate_settings_skipped(void)
{
	static const u8 two[] = {
		9, 2, 41, 0, 1, 1, 0, 0x80, 50,
		9, 4, 0, 0, 1, 8, 6, 0x50, 0,
		7, 5, 0x81, 2, 0, 2, 0,
		9, 4, 0, 1, 1, 8, 6, 0x62, 0,
		7, 5, 0x82, 2, 0, 2, 0,
	};

	CHECK_INT(parse(two, sizeof(two)), 0);
	CHECK_UINT(cfg.num_interfaces, 1);
	CHECK_UINT(cfg.num_endpoints, 1);
}

static void test_broken(void)
{
	size_t len = copy_kbd();

	check_refused(kbd, 5, "configuration descriptor shorter than 9 bytes");
	check_refused(kbd, sizeof(kbd) - 1, "wTotalLength past the bytes read");
	buf[9] = 0; /* the interface descriptor's bLength */
	check_refused(buf, len, "zero-length descriptor");
	len = copy_kbd();
	buf[18] = 40; /* the HID descriptor claims 40 bytes of 34 */
	check_refused(buf, len, "descriptor runs past wTotalLength");
	len = copy_kbd();
	buf[4] = 0;
	check_refused(buf, len, "configuration without interfaces");
	buf[4] = 200;
	check_refused(buf, len, "configuration with more than 32 interfaces");
	len = copy_kbd();
	buf[4] = 2;
	check_refused(buf, len, "bNumInterfaces differs from the interfaces present");
	len = copy_kbd();
	buf[13] = 2; /* bNumEndpoints 2, one present */
	check_refused(buf, len, "an interface has fewer endpoints than bNumEndpoints");
	len = copy_kbd();
	buf[29] = 0x80; /* endpoint 0 */
	check_refused(buf, len, "endpoint descriptor for endpoint 0");
	len = copy_kbd();
	buf[1] = 4;
	check_refused(buf, len, "not a configuration descriptor");
	len = copy_kbd();
	buf[2] = 4; /* wTotalLength below bLength */
	check_refused(buf, len, "wTotalLength shorter than the descriptor");
}

static void test_endpoint_before_interface(void)
{
	static const u8 bad[] = {
		9, 2, 25, 0, 1, 1, 0, 0x80, 50,
		7, 5, 0x81, 3, 8, 0, 7,
		9, 4, 0, 0, 0, 3, 1, 1, 0,
	};

	check_refused(bad, sizeof(bad), "endpoint descriptor before any interface");
}

/* Every truncation and every single-byte corruption: refused or parsed, never past the end
 * (AddressSanitizer watches the reads: the buffer is copied to an exact-size allocation). */
static void test_fuzz(void)
{
	for (size_t len = 0; len <= sizeof(kbd); len++) {
		u8 *exact = malloc(len ? len : 1);

		memcpy(exact, kbd, len);
		parse(exact, len);
		for (size_t i = 0; i < len; i++)
			for (unsigned int v = 0; v < 256; v += 7) {
				u8 old = exact[i];

				exact[i] = (u8)v;
				if (parse(exact, len) == 0)
					CHECK(cfg.num_interfaces >= 1);
				exact[i] = old;
			}
		free(exact);
	}
}

static void test_hub_descriptor(void)
{
	u8 hub[9] = { 9, 0x29, 8, 0x09, 0, 50, 0, 0, 0xff };
	struct usb_hub_descriptor desc;

	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), 0);
	CHECK_UINT(desc.bNbrPorts, 8);
	CHECK_UINT(desc.bPwrOn2PwrGood, 50);
	hub[2] = 255;
	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), -EINVAL);
	CHECK_STR(why, "more ports than an xHCI route string addresses (15)");
	hub[2] = 0;
	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), -EINVAL);
	CHECK_STR(why, "hub without ports");
	hub[2] = 15;
	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), 0);
	CHECK_INT(usb_parse_hub_descriptor(hub, 6, &desc, &why), -EINVAL);
	CHECK_STR(why, "hub descriptor shorter than 7 bytes");
	hub[0] = 40; /* bDescLength past what was read */
	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), -EINVAL);
	hub[0] = 9;
	hub[1] = 0x2a;
	CHECK_INT(usb_parse_hub_descriptor(hub, sizeof(hub), &desc, &why), -EINVAL);
	CHECK_STR(why, "not a hub descriptor");
}

int main(void)
{
	test_hub_descriptor();
	test_keyboard();
	test_alternate_settings_skipped();
	test_broken();
	test_endpoint_before_interface();
	test_fuzz();
	return unit_summary();
}
