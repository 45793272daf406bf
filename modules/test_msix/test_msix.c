/*
 * test_msix.ko: exercises MSI-X end to end on QEMU's e1000e (8086:10d3, q35's default NIC),
 * which Keel has no driver for. It allocates every MSI-X vector the function offers through
 * pci_alloc_irq_vectors(), points the NIC's "other" interrupt cause at each vector in turn
 * (the 82574's IVAR register) and raises it (ICS), and checks that exactly that vector's
 * handler ran. tests/test_apic.py loads it; no ID table alias, so nothing autoloads it.
 */
#include <keel/delay.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/module.h>
#include <keel/pci.h>
#include <keel/printk.h>
#include <keel/slab.h>

#define E1000_ICR 0xc0
#define E1000_ICS 0xc8
#define E1000_IMS 0xd0
#define E1000_IMC 0xd8
#define E1000_IVAR 0xe4
#define EITR_MAX_MS 20
#define E1000_ICR_LSC (1u << 2)
#define E1000_ICR_OTHER (1u << 24)
#define IVAR_OTHER_SHIFT 16
#define IVAR_VALID 0x8
#define MAX_VECTORS 8
#define FIRE_WAIT_MS 200

struct msix_test {
	struct pci_dev *pdev;
	void *regs;
	int nvec;
	unsigned long hits[MAX_VECTORS];
};

static struct msix_test *the_test;

static irqreturn_t test_msix_interrupt(int irq, void *dev_id)
{
	unsigned long *hits = dev_id;
	u32 icr = readl((u8 *)the_test->regs + E1000_ICR);

	writel(icr, (u8 *)the_test->regs + E1000_ICR); /* write 1 to clear */
	(*hits)++;
	return IRQ_HANDLED;
}

/* Raises the "other" cause on vector v; true when its handler, and only it, ran. */
static bool fire(struct msix_test *t, int v)
{
	unsigned long before[MAX_VECTORS];

	for (int i = 0; i < t->nvec; i++)
		before[i] = t->hits[i];
	writel((IVAR_VALID | v) << IVAR_OTHER_SHIFT, (u8 *)t->regs + E1000_IVAR);
	writel(E1000_ICR_LSC | E1000_ICR_OTHER, (u8 *)t->regs + E1000_ICS);
	for (int ms = 0; ms < FIRE_WAIT_MS && t->hits[v] == before[v]; ms++)
		mdelay(1);
	for (int i = 0; i < t->nvec; i++)
		if ((t->hits[i] != before[i]) != (i == v))
			return false;
	return true;
}

/*
 * QEMU's e1000e throttles each MSI-X vector: after a message it arms a timer of EITR x 256 ns
 * (at most 16.8 ms) and asserts, when that expires, that MSI-X is still on. So MSI-X may go
 * off only once the last timer has run out. QEMU runs timers from its main loop, late when
 * the host is busy: tests/test_apic.py also pauses before each rmmod.
 */
static void quiesce(struct msix_test *t)
{
	writel(~0u, (u8 *)t->regs + E1000_IMC);
	mdelay(EITR_MAX_MS);
}

static void free_vectors(struct msix_test *t, int requested)
{
	quiesce(t);
	while (requested-- > 0)
		free_irq(pci_irq_vector(t->pdev, requested), &t->hits[requested]);
	pci_free_irq_vectors(t->pdev);
}

static int request_all(struct msix_test *t)
{
	for (int i = 0; i < t->nvec; i++) {
		int err = request_irq(pci_irq_vector(t->pdev, i), test_msix_interrupt, 0,
				      "test_msix", &t->hits[i]);

		if (err) {
			free_vectors(t, i);
			return err;
		}
	}
	return 0;
}

static int run_test(struct msix_test *t)
{
	int err, bad = -1;

	t->nvec = pci_alloc_irq_vectors(t->pdev, 1, MAX_VECTORS, PCI_IRQ_MSIX);
	if (t->nvec < 0)
		return t->nvec;
	err = request_all(t);
	if (err)
		return err;
	/* Nothing left over from an earlier load: no route, no cause, no running timer. */
	writel(0, (u8 *)t->regs + E1000_IVAR);
	writel(~0u, (u8 *)t->regs + E1000_ICR);
	mdelay(EITR_MAX_MS);
	writel(E1000_ICR_LSC | E1000_ICR_OTHER, (u8 *)t->regs + E1000_IMS);
	for (int v = 0; v < t->nvec && bad < 0; v++)
		if (!fire(t, v))
			bad = v;
	if (bad >= 0)
		pr_err("test_msix: %s: vector %d (IRQ %d) did not fire alone\n", pci_name(t->pdev),
		       bad, pci_irq_vector(t->pdev, bad));
	else
		pr_info("test_msix: %s: %d MSI-X vectors (IRQ %d-%d), each fired once: ok\n",
			pci_name(t->pdev), t->nvec, pci_irq_vector(t->pdev, 0),
			pci_irq_vector(t->pdev, t->nvec - 1));
	return 0;
}

static int test_msix_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct msix_test *t;
	int err;

	if (the_test)
		return -EBUSY;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->pdev = pdev;
	err = pci_enable_device(pdev);
	if (err)
		goto out_free;
	t->regs = pci_iomap(pdev, 0, 0);
	err = -ENOMEM;
	if (!t->regs)
		goto out_disable;
	pci_set_master(pdev); /* MSI-X messages are memory writes by the device */
	the_test = t;
	err = run_test(t);
	if (err)
		goto out_unmap;
	pci_set_drvdata(pdev, t);
	return 0;

out_unmap:
	the_test = NULL;
	pci_iounmap(pdev, t->regs);
out_disable:
	pci_disable_device(pdev);
out_free:
	kfree(t);
	return err;
}

static void test_msix_remove(struct pci_dev *pdev)
{
	struct msix_test *t = pci_get_drvdata(pdev);

	free_vectors(t, t->nvec);
	pci_iounmap(pdev, t->regs);
	pci_disable_device(pdev);
	the_test = NULL;
	kfree(t);
}

static const struct pci_device_id test_msix_ids[] = {
	{ PCI_DEVICE(0x8086, 0x10d3) }, /* 82574L, QEMU's e1000e */
	{ }
};

static struct pci_driver test_msix_driver = {
	.name = "test_msix",
	.id_table = test_msix_ids,
	.probe = test_msix_probe,
	.remove = test_msix_remove,
};

static int __init test_msix_init(void)
{
	return pci_register_driver(&test_msix_driver);
}

static void __exit test_msix_exit(void)
{
	pci_unregister_driver(&test_msix_driver);
}

module_init(test_msix_init);
module_exit(test_msix_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MSI-X test on QEMU's e1000e: every vector allocated, raised and freed");
