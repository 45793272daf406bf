/*
 * virtio.ko, the queue half: split virtqueues (OASIS VIRTIO 1.1, section 2.6). A queue is a
 * descriptor table (buffers, chained with NEXT), an available ring (heads the driver offers)
 * and a used ring (heads the device is done with, with the bytes it wrote). Free descriptors
 * are kept in a chain through their next fields, as the spec's example driver does.
 */
#include <keel/barrier.h>
#include <keel/compiler.h>
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/io.h>
#include <keel/layout.h>
#include <keel/mm.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/virtio.h>
#include "virtio_pci.h"

static size_t vring_used_offset(unsigned int num)
{
	size_t avail_end = num * sizeof(struct vring_desc) + sizeof(struct vring_avail) +
			   (num + 1) * sizeof(u16); /* ring[] and used_event */

	return (avail_end + 3) & ~(size_t)3;
}

static size_t vring_size(unsigned int num)
{
	return vring_used_offset(num) + sizeof(struct vring_used) +
	       num * sizeof(struct vring_used_elem) + sizeof(u16); /* avail_event */
}

static unsigned int size_order(size_t bytes)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Memory for the three parts and the bookkeeping arrays; the free chain set up. */
static struct virtqueue *vring_alloc(unsigned int num)
{
	struct virtqueue *vq = kzalloc(sizeof(*vq), GFP_KERNEL);

	if (!vq)
		return NULL;
	vq->num = num;
	vq->order = size_order(vring_size(num));
	vq->mem = alloc_pages(vq->order);
	vq->tokens = kzalloc(num * sizeof(*vq->tokens), GFP_KERNEL);
	vq->chain_len = kzalloc(num * sizeof(*vq->chain_len), GFP_KERNEL);
	if (!vq->mem || !vq->tokens || !vq->chain_len) {
		virtio_del_vq(vq);
		return NULL;
	}
	memset(vq->mem, 0, (size_t)PAGE_SIZE << vq->order);
	vq->desc = vq->mem;
	vq->avail = (void *)(vq->desc + num);
	vq->used = (void *)((u8 *)vq->mem + vring_used_offset(num));
	for (unsigned int i = 0; i + 1 < num; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->num_free = (u16)num;
	return vq;
}

void virtio_del_vq(struct virtqueue *vq)
{
	if (!vq)
		return;
	if (vq->mem)
		free_pages(vq->mem, vq->order);
	kfree(vq->tokens);
	kfree(vq->chain_len);
	kfree(vq);
}
EXPORT_SYMBOL_GPL(virtio_del_vq);

static void write_addr(u8 *common, unsigned int reg, const void *p)
{
	u64 addr = virt_to_phys(p);

	writel((u32)addr, common + reg);
	writel((u32)(addr >> 32), common + reg + 4);
}

/* Where vq's notifications go, checked against the notification window. */
static void *vring_notify_addr(struct virtio_device *vdev, u16 notify_off)
{
	u64 off = (u64)notify_off * vdev->notify_off_multiplier;

	if (off + 2 > vdev->notify_len)
		return NULL;
	return (u8 *)vdev->notify + off;
}

struct virtqueue *virtio_setup_vq(struct virtio_device *vdev, unsigned int index,
				  unsigned int max_num)
{
	u8 *common = vdev->common;
	struct virtqueue *vq;
	unsigned int num;
	u16 size;

	writew((u16)index, common + VIRTIO_PCI_COMMON_Q_SELECT);
	size = readw(common + VIRTIO_PCI_COMMON_Q_SIZE);
	if (!size || readw(common + VIRTIO_PCI_COMMON_Q_ENABLE))
		return ERR_PTR(-ENOENT);
	for (num = 1; num * 2 <= size && num * 2 <= max_num && num * 2 <= VIRTQUEUE_MAX_SIZE;)
		num *= 2;
	vq = vring_alloc(num);
	if (!vq)
		return ERR_PTR(-ENOMEM);
	vq->vdev = vdev;
	vq->index = index;
	vq->notify = vring_notify_addr(vdev, readw(common + VIRTIO_PCI_COMMON_Q_NOFF));
	if (!vq->notify) {
		pr_err("virtio: %s: queue %u notifies outside its window\n", pci_name(vdev->pdev),
		       index);
		virtio_del_vq(vq);
		return ERR_PTR(-ENODEV);
	}
	writew((u16)num, common + VIRTIO_PCI_COMMON_Q_SIZE);
	write_addr(common, VIRTIO_PCI_COMMON_Q_DESCLO, vq->desc);
	write_addr(common, VIRTIO_PCI_COMMON_Q_AVAILLO, vq->avail);
	write_addr(common, VIRTIO_PCI_COMMON_Q_USEDLO, vq->used);
	writew(vdev->msix_vector, common + VIRTIO_PCI_COMMON_Q_MSIX);
	if (readw(common + VIRTIO_PCI_COMMON_Q_MSIX) != vdev->msix_vector) {
		virtio_del_vq(vq);
		return ERR_PTR(-ENOSPC);
	}
	writew(1, common + VIRTIO_PCI_COMMON_Q_ENABLE);
	return vq;
}
EXPORT_SYMBOL_GPL(virtio_setup_vq);

unsigned int virtqueue_get_vring_size(const struct virtqueue *vq)
{
	return vq->num;
}
EXPORT_SYMBOL_GPL(virtqueue_get_vring_size);

int virtqueue_add_sgs(struct virtqueue *vq, void *const *bufs, const u32 *lens,
		      unsigned int n_out, unsigned int n, void *token)
{
	u16 head = vq->free_head, i = head, last = head;

	if (!n)
		return -EINVAL;
	if (n > vq->num_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];

		d->addr = virt_to_phys(bufs[k]);
		d->len = lens[k];
		d->flags = (k >= n_out ? VRING_DESC_F_WRITE : 0) | (k + 1 < n ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = d->next;
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= (u16)n;
	vq->tokens[head] = token;
	vq->chain_len[head] = (u16)n;
	vq->avail->ring[vq->avail->idx % vq->num] = head;
	wmb(); /* the descriptors and the ring entry before the index that publishes them */
	vq->avail->idx++;
	return 0;
}
EXPORT_SYMBOL_GPL(virtqueue_add_sgs);

int virtqueue_add_buf(struct virtqueue *vq, void *buf, u32 len, bool device_writes,
		      void *token)
{
	return virtqueue_add_sgs(vq, &buf, &len, device_writes ? 0 : 1, 1, token);
}
EXPORT_SYMBOL_GPL(virtqueue_add_buf);

void virtqueue_kick(struct virtqueue *vq)
{
	mb(); /* the new avail->idx visible before the device looks */
	writew((u16)vq->index, vq->notify);
}
EXPORT_SYMBOL_GPL(virtqueue_kick);

/* Gives head's chain back to the free list and returns its token. */
static void *vring_detach(struct virtqueue *vq, u16 head)
{
	void *token = vq->tokens[head];
	u16 i = head;

	for (unsigned int k = 1; k < vq->chain_len[head]; k++)
		i = vq->desc[i].next;
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += vq->chain_len[head];
	vq->tokens[head] = NULL;
	vq->chain_len[head] = 0;
	return token;
}

void *virtqueue_get_buf(struct virtqueue *vq, u32 *len)
{
	while (vq->last_used != READ_ONCE(vq->used->idx)) {
		struct vring_used_elem elem;

		rmb(); /* the index before the entry it covers */
		elem = vq->used->ring[vq->last_used % vq->num];
		vq->last_used++;
		if (elem.id < vq->num && vq->tokens[elem.id]) {
			*len = elem.len;
			return vring_detach(vq, (u16)elem.id);
		}
		if (!vq->reported_bad)
			pr_err("virtio: %s: queue %u: device used descriptor %u, not in flight\n",
			       pci_name(vq->vdev->pdev), vq->index, elem.id);
		vq->reported_bad = true;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(virtqueue_get_buf);

void *virtqueue_detach_unused_buf(struct virtqueue *vq)
{
	for (unsigned int i = 0; i < vq->num; i++) {
		if (vq->tokens[i])
			return vring_detach(vq, (u16)i);
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(virtqueue_detach_unused_buf);
