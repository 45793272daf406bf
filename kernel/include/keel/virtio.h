/*
 * virtio devices over PCI, for drivers such as virtio_net.ko (Linux's <linux/virtio.h>,
 * <linux/virtio_config.h> and <uapi/linux/virtio_ring.h>, simplified). The functions are
 * virtio.ko's exports (GPL-only): the virtio 1.x ("modern") PCI transport and split
 * virtqueues, after the OASIS "Virtual I/O Device (VIRTIO) Version 1.1" specification
 * (section 2.6 split virtqueues, section 4.1 virtio over PCI).
 *
 * Unlike Linux there is no separate virtio bus yet: each virtio driver is a PCI driver (so
 * PCI modaliases load it) that hands its pci_dev to virtio_pci_init() and then speaks virtio.
 * A device offering only the legacy (0.9.5) interface is refused.
 *
 * Context: everything may sleep except where it says otherwise. A virtqueue has no lock of its
 * own: the driver serialises calls on one queue (virtio_net uses its own spinlock).
 */
#ifndef KEEL_VIRTIO_H
#define KEEL_VIRTIO_H

#include <keel/pci.h>
#include <keel/types.h>
#include <keel/virtio_ring.h>

#define PCI_VENDOR_ID_REDHAT_QUMRANET 0x1af4

/* Device status bits (spec 2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_FAILED 0x80

#define VIRTIO_F_VERSION_1 32 /* the device speaks virtio 1.x: required */

/* One virtio device: its PCI function and the transport's mapped structures (spec 4.1.4). */
struct virtio_device {
	struct pci_dev *pdev;
	void *bars[PCI_STD_NUM_BARS]; /* the BARs the capabilities point into, mapped */
	void *common;                 /* struct virtio_pci_common_cfg */
	void *isr;                    /* one byte, read to clear */
	void *device;                 /* the device-specific configuration */
	void *notify;                 /* the notification area */
	u32 notify_len;               /* its length in bytes */
	u32 notify_off_multiplier;
	u64 features;                 /* negotiated */
	u16 msix_vector;              /* the MSI-X entry for config and queues, or NO_VECTOR */
};

#define VIRTIO_MSI_NO_VECTOR 0xffff

/*
 * Finds and maps the device's virtio PCI capabilities (common, notify, ISR, device config)
 * and resets it. The pci_dev must be enabled. 0, -ENODEV (no modern interface: a legacy-only
 * device, or a capability outside its BAR; reported in one line), -ENOMEM (a BAR would not
 * map), -ETIMEDOUT (the reset never finished). On error nothing stays mapped.
 */
int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev);
/* Unmaps what virtio_pci_init mapped; the device must be reset first. */
void virtio_pci_exit(struct virtio_device *vdev);

/*
 * Resets the device (status 0 and waits for it to read back 0, spec 4.1.4.3.2): it stops
 * using every virtqueue, so their memory may be freed afterwards. 0 or -ETIMEDOUT.
 */
int virtio_reset(struct virtio_device *vdev);
/*
 * The initialisation sequence up to FEATURES_OK (spec 3.1.1) after a reset: ACKNOWLEDGE,
 * DRIVER, the device's features ANDed with wanted (VIRTIO_F_VERSION_1 is always asked for and
 * must be offered), FEATURES_OK, read back. vdev->features gets the result. 0, -ENODEV (no
 * VERSION_1, or the device refused the set; status FAILED is set), -ETIMEDOUT (reset).
 */
int virtio_negotiate(struct virtio_device *vdev, u64 wanted);
static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int bit)
{
	return vdev->features & (1ULL << bit);
}
/*
 * With MSI-X on (pci_alloc_irq_vectors), the device signals through table entry vector
 * instead of the ISR: sets it for configuration changes now and for every queue set up from
 * then on (spec 4.1.4.3, 4.1.5.1.2). After negotiation, before the queues. 0, or -ENOSPC when
 * the device refused the vector (it reads back NO_VECTOR). VIRTIO_MSI_NO_VECTOR: INTx again.
 */
int virtio_set_msix_vector(struct virtio_device *vdev, u16 vector);
/* Sets DRIVER_OK once the queues are set up: the device may use them from now on. */
void virtio_device_ready(struct virtio_device *vdev);
/* Reads and clears the ISR status (bit 0: a queue, bit 1: configuration change). Any context. */
u8 virtio_read_isr(struct virtio_device *vdev);
/* Device-specific configuration fields at offset (bytes). Any context. */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset);
u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset);

/*
 * Sets up virtqueue index with at most max_num entries (a power of two; the device's size is
 * used when smaller) in freshly allocated zeroed memory, with the MSI-X vector of
 * virtio_set_msix_vector, and enables it. Before virtio_device_ready. The queue, or ERR_PTR:
 * -ENOENT (no such queue), -ENOMEM, -ENOSPC (the device refused the vector).
 */
struct virtqueue *virtio_setup_vq(struct virtio_device *vdev, unsigned int index,
				  unsigned int max_num);
/* Frees a queue's memory. Only after virtio_reset (the device no longer touches it). */
void virtio_del_vq(struct virtqueue *vq);
/* The number of entries of vq. */
unsigned int virtqueue_get_vring_size(const struct virtqueue *vq);

/*
 * Puts one buffer (len bytes at buf, kernel memory; the device writes it when device_writes,
 * reads it otherwise) on vq's available ring; token comes back from virtqueue_get_buf. The
 * device is not told until virtqueue_kick. 0, or -ENOSPC when every descriptor is in use.
 * Any context (caller serialises).
 */
int virtqueue_add_buf(struct virtqueue *vq, void *buf, u32 len, bool device_writes,
		      void *token);
/*
 * The same for a chain of n buffers (bufs[i], lens[i]); the first n_out are read by the
 * device, the rest written. -ENOSPC when fewer than n descriptors are free, -EINVAL for n 0.
 */
int virtqueue_add_sgs(struct virtqueue *vq, void *const *bufs, const u32 *lens,
		      unsigned int n_out, unsigned int n, void *token);
/* Tells the device about new available buffers. Any context. */
void virtqueue_kick(struct virtqueue *vq);
/*
 * The next buffer the device has used: its token, with *len set to the bytes it wrote; NULL
 * when there is none. A used entry naming a descriptor that is not in flight (a broken
 * device) is reported once and skipped. Any context (caller serialises).
 */
void *virtqueue_get_buf(struct virtqueue *vq, u32 *len);
/* After a reset: the token of a buffer still on the queue, taken off it; NULL when none. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);

#endif
