/*
 * virtio.ko, the transport half: virtio 1.x over PCI (OASIS VIRTIO 1.1, section 4.1). The
 * device describes where its structures live with vendor-specific PCI capabilities (common
 * configuration, notifications, ISR status, device configuration), each a window into a BAR;
 * this file finds and maps them and runs the status/feature handshake. Queues are in
 * virtio_ring.c. See <keel/virtio.h>.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/io.h>
#include <keel/module.h>
#include <keel/printk.h>
#include <keel/virtio.h>
#include "virtio_pci.h"

/* Capability types (spec 4.1.4) and the fields of struct virtio_pci_cap. */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULT 16
#define VIRTIO_RESET_TIMEOUT_MS 1000

struct virtio_cap {
	u8 pos;      /* in configuration space; 0: not found */
	u8 bar;
	u32 offset, length;
};

/* The first capability of cfg_type (the spec: the driver uses the first it understands). */
static struct virtio_cap virtio_find_cap(struct pci_dev *pdev, u8 cfg_type)
{
	struct virtio_cap cap = { 0 };
	u8 pos = 0, type, id;
	int guard = PCI_MAX_CAPS;

	pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos);
	for (; pos >= 0x40 && guard--; pci_read_config_byte(pdev, pos + 1, &pos)) {
		pos &= ~3;
		pci_read_config_byte(pdev, pos, &id);
		pci_read_config_byte(pdev, pos + CAP_CFG_TYPE, &type);
		if (id != PCI_CAP_ID_VNDR || type != cfg_type)
			continue;
		cap.pos = pos;
		pci_read_config_byte(pdev, pos + CAP_BAR, &cap.bar);
		pci_read_config_dword(pdev, pos + CAP_OFFSET, &cap.offset);
		pci_read_config_dword(pdev, pos + CAP_LENGTH, &cap.length);
		break;
	}
	return cap;
}

/* Maps the capability's window (at least min bytes, inside its BAR); NULL when it cannot. */
static void *virtio_map_cap(struct virtio_device *vdev, const struct virtio_cap *cap,
			    u32 min)
{
	struct pci_dev *pdev = vdev->pdev;

	if (!cap->pos || cap->bar >= PCI_STD_NUM_BARS || cap->length < min ||
	    (u64)cap->offset + cap->length > pci_resource_len(pdev, cap->bar))
		return NULL;
	if (!vdev->bars[cap->bar])
		vdev->bars[cap->bar] = pci_iomap(pdev, cap->bar, 0);
	if (!vdev->bars[cap->bar])
		return NULL;
	return (u8 *)vdev->bars[cap->bar] + cap->offset;
}

static int virtio_map_all(struct virtio_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct virtio_cap common = virtio_find_cap(pdev, VIRTIO_PCI_CAP_COMMON_CFG);
	struct virtio_cap notify = virtio_find_cap(pdev, VIRTIO_PCI_CAP_NOTIFY_CFG);
	struct virtio_cap isr = virtio_find_cap(pdev, VIRTIO_PCI_CAP_ISR_CFG);
	struct virtio_cap device = virtio_find_cap(pdev, VIRTIO_PCI_CAP_DEVICE_CFG);

	if (!common.pos) {
		pr_err("virtio: %s: no virtio 1.x interface (legacy-only device), not supported\n",
		       pci_name(pdev));
		return -ENODEV;
	}
	vdev->common = virtio_map_cap(vdev, &common, VIRTIO_PCI_COMMON_SIZE);
	vdev->notify = virtio_map_cap(vdev, &notify, 2);
	vdev->isr = virtio_map_cap(vdev, &isr, 1);
	vdev->device = device.pos ? virtio_map_cap(vdev, &device, 1) : NULL;
	if (!vdev->common || !vdev->notify || !vdev->isr || (device.pos && !vdev->device)) {
		pr_err("virtio: %s: a virtio capability lies outside its BAR or cannot be mapped\n",
		       pci_name(pdev));
		return -ENODEV;
	}
	pci_read_config_dword(pdev, notify.pos + CAP_NOTIFY_MULT, &vdev->notify_off_multiplier);
	vdev->notify_len = notify.length;
	return 0;
}

int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev)
{
	int err;

	vdev->pdev = pdev;
	vdev->msix_vector = VIRTIO_MSI_NO_VECTOR;
	err = virtio_map_all(vdev);
	if (!err)
		err = virtio_reset(vdev);
	if (err)
		virtio_pci_exit(vdev);
	return err;
}
EXPORT_SYMBOL_GPL(virtio_pci_init);

void virtio_pci_exit(struct virtio_device *vdev)
{
	for (int i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (vdev->bars[i])
			pci_iounmap(vdev->pdev, vdev->bars[i]);
		vdev->bars[i] = NULL;
	}
	vdev->common = vdev->notify = vdev->isr = vdev->device = NULL;
}
EXPORT_SYMBOL_GPL(virtio_pci_exit);

static u8 virtio_get_status(struct virtio_device *vdev)
{
	return readb((u8 *)vdev->common + VIRTIO_PCI_COMMON_STATUS);
}

static void virtio_add_status(struct virtio_device *vdev, u8 bits)
{
	writeb(virtio_get_status(vdev) | bits, (u8 *)vdev->common + VIRTIO_PCI_COMMON_STATUS);
}

int virtio_reset(struct virtio_device *vdev)
{
	writeb(0, (u8 *)vdev->common + VIRTIO_PCI_COMMON_STATUS);
	for (int ms = 0; ms < VIRTIO_RESET_TIMEOUT_MS; ms++) {
		if (!virtio_get_status(vdev))
			return 0;
		mdelay(1);
	}
	pr_err("virtio: %s: reset timed out\n", pci_name(vdev->pdev));
	return -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(virtio_reset);

static u64 virtio_get_features(struct virtio_device *vdev)
{
	u8 *common = vdev->common;
	u64 features;

	writel(0, common + VIRTIO_PCI_COMMON_DFSELECT);
	features = readl(common + VIRTIO_PCI_COMMON_DF);
	writel(1, common + VIRTIO_PCI_COMMON_DFSELECT);
	return features | (u64)readl(common + VIRTIO_PCI_COMMON_DF) << 32;
}

static void virtio_set_features(struct virtio_device *vdev, u64 features)
{
	u8 *common = vdev->common;

	writel(0, common + VIRTIO_PCI_COMMON_GFSELECT);
	writel((u32)features, common + VIRTIO_PCI_COMMON_GF);
	writel(1, common + VIRTIO_PCI_COMMON_GFSELECT);
	writel((u32)(features >> 32), common + VIRTIO_PCI_COMMON_GF);
}

int virtio_negotiate(struct virtio_device *vdev, u64 wanted)
{
	const char *name = pci_name(vdev->pdev);
	u64 offered;

	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	offered = virtio_get_features(vdev);
	if (!(offered & (1ULL << VIRTIO_F_VERSION_1))) {
		pr_err("virtio: %s: device does not offer VIRTIO_F_VERSION_1\n", name);
		goto failed;
	}
	vdev->features = offered & (wanted | 1ULL << VIRTIO_F_VERSION_1);
	virtio_set_features(vdev, vdev->features);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(virtio_get_status(vdev) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		pr_err("virtio: %s: device refused features %#llx\n", name,
		       (unsigned long long)vdev->features);
		goto failed;
	}
	return 0;

failed:
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED);
	return -ENODEV;
}
EXPORT_SYMBOL_GPL(virtio_negotiate);

int virtio_set_msix_vector(struct virtio_device *vdev, u16 vector)
{
	u8 *msix = (u8 *)vdev->common + VIRTIO_PCI_COMMON_MSIX;

	vdev->msix_vector = vector;
	writew(vector, msix);
	if (vector != VIRTIO_MSI_NO_VECTOR && readw(msix) != vector) {
		vdev->msix_vector = VIRTIO_MSI_NO_VECTOR;
		return -ENOSPC;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(virtio_set_msix_vector);

void virtio_device_ready(struct virtio_device *vdev)
{
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
}
EXPORT_SYMBOL_GPL(virtio_device_ready);

u8 virtio_read_isr(struct virtio_device *vdev)
{
	return readb(vdev->isr);
}
EXPORT_SYMBOL_GPL(virtio_read_isr);

/* Device configuration reads; a device without that structure reads as zeros. */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset)
{
	return vdev->device ? readb((u8 *)vdev->device + offset) : 0;
}
EXPORT_SYMBOL_GPL(virtio_cread8);

u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset)
{
	return vdev->device ? readw((u8 *)vdev->device + offset) : 0;
}
EXPORT_SYMBOL_GPL(virtio_cread16);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("virtio 1.x over PCI: transport and split virtqueues");
