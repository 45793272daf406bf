/*
 * Configuration descriptor parsing (USB 2.0 9.6.3-9.6.6), bounds-checked against the bytes
 * read: every descriptor must fit, none may be shorter than its header says a descriptor of
 * its type is, and the interface and endpoint counts must agree with what is there. Only
 * alternate setting 0 of each interface is kept (the one SET_CONFIGURATION selects). Also the
 * hub descriptor's checks. Pure functions: tests/unit/test_usb_config.c feeds them broken
 * descriptors.
 */
#include <keel/errno.h>
#include <keel/string.h>
#include <keel/usb.h>

struct parse_state {
	struct usb_host_config *cfg;
	struct usb_host_interface *cur; /* alternate setting 0 being filled, or NULL */
	unsigned int cur_eps;
	const char *why;
};

static int parse_fail(struct parse_state *ps, const char *why)
{
	ps->why = why;
	return -EINVAL;
}

static int close_interface(struct parse_state *ps)
{
	if (ps->cur && ps->cur_eps != ps->cur->desc.bNumEndpoints)
		return parse_fail(ps, "an interface has fewer endpoints than bNumEndpoints");
	ps->cur = NULL;
	return 0;
}

static int parse_interface(struct parse_state *ps, const u8 *p)
{
	struct usb_host_config *cfg = ps->cfg;
	struct usb_host_interface *intf;
	int err = close_interface(ps);

	if (err)
		return err;
	if (p[0] < USB_DT_INTERFACE_SIZE)
		return parse_fail(ps, "interface descriptor shorter than 9 bytes");
	if (p[3] != 0)
		return 0; /* another alternate setting: skipped with its endpoints */
	for (unsigned int i = 0; i < cfg->num_interfaces; i++)
		if (cfg->intf[i].desc.bInterfaceNumber == p[2])
			return parse_fail(ps, "interface number given twice");
	if (cfg->num_interfaces == USB_MAXINTERFACES)
		return parse_fail(ps, "more than 32 interfaces");
	intf = &cfg->intf[cfg->num_interfaces++];
	memcpy(&intf->desc, p, USB_DT_INTERFACE_SIZE);
	intf->endpoint = &cfg->ep[cfg->num_endpoints];
	ps->cur = intf;
	ps->cur_eps = 0;
	return 0;
}

static int parse_endpoint(struct parse_state *ps, const u8 *p, bool seen_interface)
{
	struct usb_host_config *cfg = ps->cfg;
	struct usb_host_endpoint *ep;

	if (!seen_interface)
		return parse_fail(ps, "endpoint descriptor before any interface");
	if (p[0] < USB_DT_ENDPOINT_SIZE)
		return parse_fail(ps, "endpoint descriptor shorter than 7 bytes");
	if (!ps->cur)
		return 0;
	if ((p[2] & USB_ENDPOINT_NUMBER_MASK) == 0)
		return parse_fail(ps, "endpoint descriptor for endpoint 0");
	if (ps->cur_eps == ps->cur->desc.bNumEndpoints)
		return parse_fail(ps, "an interface has more endpoints than bNumEndpoints");
	if (cfg->num_endpoints == USB_MAXENDPOINTS)
		return parse_fail(ps, "more than 30 endpoints");
	for (unsigned int i = 0; i < cfg->num_endpoints; i++)
		if (cfg->ep[i].desc.bEndpointAddress == p[2])
			return parse_fail(ps, "endpoint address given twice");
	ep = &cfg->ep[cfg->num_endpoints++];
	memcpy(&ep->desc, p, USB_DT_ENDPOINT_SIZE);
	ep->hcpriv = NULL;
	ps->cur_eps++;
	return 0;
}

static int parse_header(struct parse_state *ps, const u8 *buf, size_t len)
{
	struct usb_host_config *cfg = ps->cfg;

	if (len < USB_DT_CONFIG_SIZE)
		return parse_fail(ps, "configuration descriptor shorter than 9 bytes");
	memcpy(&cfg->desc, buf, USB_DT_CONFIG_SIZE);
	if (cfg->desc.bDescriptorType != USB_DT_CONFIG)
		return parse_fail(ps, "not a configuration descriptor");
	if (cfg->desc.bLength < USB_DT_CONFIG_SIZE)
		return parse_fail(ps, "configuration descriptor bLength below 9");
	if (cfg->desc.wTotalLength > len)
		return parse_fail(ps, "wTotalLength past the bytes read");
	if (cfg->desc.wTotalLength < cfg->desc.bLength)
		return parse_fail(ps, "wTotalLength shorter than the descriptor");
	if (cfg->desc.bNumInterfaces == 0)
		return parse_fail(ps, "configuration without interfaces");
	if (cfg->desc.bNumInterfaces > USB_MAXINTERFACES)
		return parse_fail(ps, "configuration with more than 32 interfaces");
	return 0;
}

int usb_parse_configuration(const u8 *buf, size_t len, struct usb_host_config *cfg,
			    const char **why)
{
	struct parse_state ps = { .cfg = cfg };
	bool seen_interface = false;
	size_t off, total;
	int err;

	memset(cfg, 0, sizeof(*cfg));
	err = parse_header(&ps, buf, len);
	for (off = cfg->desc.bLength, total = cfg->desc.wTotalLength; !err && off < total;
	     off += buf[off]) {
		if (total - off < 2 || buf[off] < 2)
			err = parse_fail(&ps, "zero-length descriptor");
		else if (buf[off] > total - off)
			err = parse_fail(&ps, "descriptor runs past wTotalLength");
		else if (buf[off + 1] == USB_DT_INTERFACE) {
			err = parse_interface(&ps, buf + off);
			seen_interface = true;
		} else if (buf[off + 1] == USB_DT_ENDPOINT)
			err = parse_endpoint(&ps, buf + off, seen_interface);
	}
	if (!err)
		err = close_interface(&ps);
	if (!err && cfg->num_interfaces != cfg->desc.bNumInterfaces)
		err = parse_fail(&ps, "bNumInterfaces differs from the interfaces present");
	if (why)
		*why = ps.why;
	return err;
}

int usb_parse_hub_descriptor(const u8 *buf, size_t len, struct usb_hub_descriptor *desc,
			     const char **why)
{
	*why = NULL;
	if (len < 7 || buf[0] < 7 || buf[0] > len)
		*why = "hub descriptor shorter than 7 bytes";
	else if (buf[1] != USB_DT_HUB)
		*why = "not a hub descriptor";
	else if (buf[2] == 0)
		*why = "hub without ports";
	else if (buf[2] > USB_MAXCHILDREN)
		*why = "more ports than an xHCI route string addresses (15)";
	if (*why)
		return -EINVAL;
	memcpy(desc, buf, sizeof(*desc));
	return 0;
}
