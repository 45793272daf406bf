/*
 * Split virtqueues as they lie in memory (OASIS VIRTIO 1.1, section 2.6; Linux's
 * <uapi/linux/virtio_ring.h>), and struct virtqueue, virtio.ko's handle on one. Defined here in
 * full so every module sees the same type (modversions CRCs of virtio.ko's exports agree).
 * Drivers use the functions in <keel/virtio.h>, never the fields.
 */
#ifndef KEEL_VIRTIO_RING_H
#define KEEL_VIRTIO_RING_H

#include <keel/types.h>

struct virtio_device;

/* Little-endian like the CPU. */
struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

struct vring_avail {
	u16 flags;
	u16 idx;
	u16 ring[];
};

struct vring_used_elem {
	u32 id;
	u32 len;
};

struct vring_used {
	u16 flags;
	u16 idx;
	struct vring_used_elem ring[];
};

#define VIRTQUEUE_MAX_SIZE 1024 /* what virtio_setup_vq accepts at most */

struct virtqueue {
	struct virtio_device *vdev;
	unsigned int index, num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	void *mem;            /* the pages holding all three */
	unsigned int order;
	void *notify;         /* where virtqueue_kick writes the queue index */
	u16 free_head;        /* first free descriptor, chained through next */
	u16 num_free;
	u16 last_used;        /* the used index up to which buffers were taken */
	bool reported_bad;    /* a bad used entry was reported already */
	void **tokens;        /* per head descriptor: the driver's token, NULL when free */
	u16 *chain_len;       /* per head descriptor: descriptors in its chain */
};

#endif
