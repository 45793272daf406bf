/*
 * The list of registered filesystem types (Linux's fs/filesystems.c). `mount -t vfat` finds
 * the type here, loading module fs-vfat first when it is missing; a type's module is pinned
 * while any of its superblocks exists, so rmmod of a mounted filesystem says EBUSY.
 *
 * Locking: file_systems_lock (a mutex) covers the list.
 */
#include <keel/errno.h>
#include <keel/export.h>
#include <keel/fs.h>
#include <keel/kmod.h>
#include <keel/module.h>
#include <keel/string.h>
#include "fs/internal.h"

static DEFINE_MUTEX(file_systems_lock);
static LIST_HEAD(file_systems);

/* file_systems_lock held */
static struct file_system_type *find_filesystem(const char *name)
{
	struct file_system_type *t;

	list_for_each_entry(t, &file_systems, list)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

int register_filesystem(struct file_system_type *type)
{
	int ret = 0;

	if (!type || !type->name || !type->mount || !type->kill_sb)
		return -EINVAL;
	mutex_lock(&file_systems_lock);
	if (find_filesystem(type->name))
		ret = -EBUSY;
	else
		list_add_tail(&type->list, &file_systems);
	mutex_unlock(&file_systems_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(register_filesystem);

int unregister_filesystem(struct file_system_type *type)
{
	int ret = -EINVAL;

	mutex_lock(&file_systems_lock);
	if (find_filesystem(type->name) == type) {
		list_del_init(&type->list);
		ret = 0;
	}
	mutex_unlock(&file_systems_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(unregister_filesystem);

static struct file_system_type *get_registered(const char *name)
{
	struct file_system_type *t;

	mutex_lock(&file_systems_lock);
	t = find_filesystem(name);
	if (t && !try_module_get(t->owner))
		t = NULL; /* its module is going away */
	mutex_unlock(&file_systems_lock);
	return t;
}

struct file_system_type *get_fs_type(const char *name)
{
	struct file_system_type *t = get_registered(name);

	if (!t && strlen(name) < 32 && request_module("fs-%s", name) == 0)
		t = get_registered(name);
	return t;
}

void put_filesystem(struct file_system_type *type)
{
	module_put(type->owner);
}

void for_each_filesystem(void (*fn)(struct file_system_type *type, void *arg), void *arg)
{
	struct file_system_type *t;

	mutex_lock(&file_systems_lock);
	list_for_each_entry(t, &file_systems, list)
		fn(t, arg);
	mutex_unlock(&file_systems_lock);
}
