/*
 * load_module(): turns a validated .ko image into a live module. Every check happens before
 * any state changes; after that, each step that registers something has a matching undo, and a
 * failure anywhere (including in the module's init) unwinds all of them in reverse order, so
 * the kernel ends exactly as it was: memory, exports, references, parameters.
 */
#include <keel/errno.h>
#include <keel/printk.h>
#include <keel/slab.h>
#include <keel/string.h>
#include <keel/delay.h>
#include <keel/jiffies.h>
#include <keel/ktime.h>
#include <keel/build_bug.h>
#include <keel/fs.h>
#include "mm/mm.h"
#include "module/exports.h"
#include "module/module.h"
#include "module/module_internal.h"
#include "module/params.h"

/* What symbol resolution needs besides the load_info: checks' results and the users list. */
struct resolve_ctx {
	struct module *mod;
	struct export_user user;
	int err; /* first licence/version refusal (already reported) */
	int max_uses;
};

static int record_use(struct resolve_ctx *ctx, struct module *owner)
{
	struct module *mod = ctx->mod;

	if (!owner || module_uses(mod, owner))
		return 0;
	if ((int)mod->num_uses == ctx->max_uses) {
		int grown = ctx->max_uses ? ctx->max_uses * 2 : 4;
		struct module **uses = krealloc(mod->uses, grown * sizeof(*uses), GFP_KERNEL);

		if (!uses)
			return -ENOMEM;
		mod->uses = uses;
		ctx->max_uses = grown;
	}
	mod->uses[mod->num_uses++] = owner;
	return 0;
}

/* The loader core's callback for each undefined symbol. */
static int resolve_symbol(const char *name, u64 *addr, void *arg)
{
	struct resolve_ctx *ctx = arg;
	const struct export_entry *exp;
	int err;

	if (strcmp(name, "__this_module") == 0) {
		*addr = (u64)ctx->mod;
		return 0;
	}
	exp = export_lookup(name);
	if (!exp)
		return -ENOENT;
	err = export_check_license(&ctx->user, exp);
	if (!err)
		err = export_check_version(&ctx->user, exp);
	if (!err && exp->owner && exp->owner->state == MODULE_STATE_GOING)
		err = -EBUSY;
	if (!err)
		err = record_use(ctx, exp->owner);
	/* Keep resolving so every unknown symbol is listed, but remember the refusal. */
	if (err && !ctx->err)
		ctx->err = err;
	*addr = exp->addr;
	return 0;
}

/* Refuses a name that could not be printed, typed back for rmmod, or used as a file name. */
static int module_check_name(const char *filename, const char *what, const char *name,
			     size_t len)
{
	char shown[64];

	if (module_name_valid(name, len))
		return 0;
	module_name_escape(shown, sizeof(shown), name, len);
	pr_err("%s: invalid module name '%s' (%s): use 1 to %u of [A-Za-z0-9_-]\n", filename,
	       shown, what, MODULE_NAME_MAX);
	return -ENOEXEC;
}

/* The default name: the file's base name up to the first '.', with '-' read as '_'. */
static int module_name_from_file(const char *filename, char *name, size_t size)
{
	const char *base = strrchr(filename, '/');
	size_t len;
	int err;

	base = base ? base + 1 : filename;
	len = strcspn(base, ".");
	err = module_check_name(filename, "from the file name", base, len);
	if (err)
		return err;
	memcpy(name, base, len);
	name[len] = '\0';
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return 0;
}

/* A name= in .modinfo replaces the file's; when present it must be valid too. */
static int module_name_from_modinfo(const char *filename, const struct modinfo *mi, char *name)
{
	int err;

	if (!mi->name.str)
		return 0;
	err = module_check_name(filename, ".modinfo name=", mi->name.str, mi->name.len);
	if (err)
		return err;
	memcpy(name, mi->name.str, mi->name.len);
	name[mi->name.len] = '\0';
	return 0;
}

/* Whether the image defines the global (or weak) symbol name. */
static bool image_defines(const struct load_info *info, const char *name)
{
	for (u32 i = 1; i < info->nsyms; i++) {
		const Elf64_Sym *sym = &info->symtab[i];

		if (sym->st_shndx != SHN_UNDEF && ELF64_ST_BIND(sym->st_info) != STB_LOCAL &&
		    strcmp(info->strtab + sym->st_name, name) == 0)
			return true;
	}
	return false;
}

/*
 * A relocatable ELF file named like a module may be something else: a kernel object, a
 * module's own .o (no vermagic: said by the vermagic check), or its .mod.o (modpost's part:
 * vermagic and name, but no code, no init and no licence). Say so rather than load it.
 */
static int module_check_is_module(const struct load_info *info, const struct modinfo *mi,
				  const char *name, int modinfo_idx)
{
	if (modinfo_idx < 0) {
		pr_err("%s: not a kernel module (no .modinfo section)\n", name);
		return -ENOEXEC;
	}
	if (!mi->nr_licenses && !image_defines(info, "init_module") &&
	    !image_defines(info, "cleanup_module")) {
		pr_err("%s: not a kernel module (no module_init, no MODULE_LICENSE: a .mod.o?)\n",
		       name);
		return -ENOEXEC;
	}
	return 0;
}

/* Everything that can be judged from the image alone: ELF, modinfo, vermagic, name clash. */
static int module_check_image(struct load_info *info, struct modinfo *mi, char *name)
{
	const void *sec;
	u64 size = 0;
	int idx, err;

	idx = module_find_section(info, ".modinfo");
	sec = idx >= 0 ? module_section_data(info, idx, &size) : NULL;
	modinfo_parse(sec, sec ? size : 0, mi);
	err = module_name_from_modinfo(info->name, mi, name);
	if (err)
		return err;
	err = module_check_is_module(info, mi, name, idx);
	if (err)
		return err;
	err = modinfo_check_vermagic(name, mi);
	if (err)
		return err;
	if (find_module(name)) {
		pr_err("%s: a module of that name is already loaded\n", name);
		return -EEXIST;
	}
	return 0;
}

static void module_find_versions(const struct load_info *info, struct export_user *user)
{
	int idx = module_find_section(info, "__versions");
	u64 size = 0;

	user->versions = NULL;
	user->nr_versions = 0;
	if (idx < 0)
		return;
	user->versions = module_section_data(info, idx, &size);
	user->nr_versions = size / sizeof(struct modversion_info);
	user->versions_sorted = export_versions_sorted(user->versions, user->nr_versions);
}

/* A loaded section as (memory, size); NULL when absent or not loaded. */
static void *module_loaded_section(const struct load_info *info, const char *name, u64 *size)
{
	int idx = module_find_section(info, name);

	*size = 0;
	if (idx < 0 || !module_section_mem(info, idx))
		return NULL;
	module_section_data(info, idx, size);
	return module_section_mem(info, idx);
}

static int module_apply_protections(struct module *mod)
{
	unsigned long base = (unsigned long)mod->mem;
	const struct load_layout *l = &mod->layout;
	int err = 0;

	if (l->text.size)
		err = vmm_protect(base + l->text.offset, l->text.size, VM_READ | VM_EXEC);
	if (!err && l->rodata.size)
		err = vmm_protect(base + l->rodata.offset, l->rodata.size, VM_READ);
	if (!err && l->data.size)
		err = vmm_protect(base + l->data.offset, l->data.size, VM_READ | VM_WRITE);
	return err;
}

/* Reads init_module/cleanup_module, __param, __ksymtab and .modinfo out of the linked module. */
static int module_collect_sections(struct module *mod, const struct load_info *info)
{
	u64 addr, size;
	void *sec;

	if (module_find_symbol(&mod->syms, "init_module", &addr) == 0)
		mod->init = (int (*)(void))addr;
	if (module_find_symbol(&mod->syms, "cleanup_module", &addr) == 0)
		mod->exit = (void (*)(void))addr;
	sec = module_loaded_section(info, "__param", &size);
	mod->params = sec;
	mod->num_params = sec ? size / sizeof(struct kernel_param) : 0;
	if (mod->params && size % sizeof(struct kernel_param))
		goto bad_size;
	sec = module_loaded_section(info, "__ksymtab", &size);
	mod->nr_ksyms = sec ? size / sizeof(struct kernel_symbol) : 0;
	if (sec && size % sizeof(struct kernel_symbol))
		goto bad_size;
	mod->modinfo_sec = module_loaded_section(info, ".modinfo", &size);
	mod->modinfo_size = size;
	modinfo_parse(mod->modinfo_sec, size, &mod->info);
	return 0;
bad_size:
	pr_err("%s: __param or __ksymtab size is not a whole number of entries\n", mod->name);
	return -ENOEXEC;
}

/*
 * Kernel command line "name.param=value" options first, so insmod's arguments override them;
 * a bad boot option is reported and skipped (params_parse_boot), a bad insmod one fails.
 */
static int module_setup_params(struct module *mod, const char *args)
{
	char *cmdline_args;
	int err;

	err = params_check(mod->name, mod->params, mod->num_params);
	if (err)
		return err;
	cmdline_args = params_from_cmdline(mod->name);
	if (IS_ERR(cmdline_args))
		return PTR_ERR(cmdline_args);
	err = params_parse_boot(mod->name, cmdline_args, mod->params, mod->num_params);
	kfree(cmdline_args);
	if (!err)
		err = params_parse(mod->name, args, mod->params, mod->num_params);
	mod->params_set = (err == 0);
	return err;
}

static int module_link(struct module *mod, struct load_info *info, struct resolve_ctx *ctx)
{
	struct load_env env = { .resolve = resolve_symbol, .ctx = ctx };
	int err;

	err = module_load_core(info, &env, mod->mem, (u64)mod->mem);
	if (ctx->err)
		return ctx->err;
	if (err) {
		pr_err("%s: %s\n", mod->name, info->err);
		return err;
	}
	module_get_syms(info, &mod->syms);
	return module_collect_sections(mod, info);
}

static int module_run_init(struct module *mod)
{
	int ret = 0;

	mod->state = MODULE_STATE_LOADING;
	if (mod->init)
		ret = mod->init();
	if (ret > 0) {
		pr_warn("%s: init returned %d, a positive value; treating it as an error\n",
			mod->name, ret);
		ret = -EINVAL;
	}
	if (ret < 0) {
		pr_err("%s: init failed: %s (%d); module unloaded\n", mod->name, errno_name(ret),
		       ret);
		module_set_going(mod); /* no new calls; then let those that began meanwhile end */
		return module_wait_unpinned(mod) ? -EBUSY : ret;
	}
	mod->state = MODULE_STATE_LIVE;
	return 0;
}

/* Relocations the loader applies (those targeting loaded sections), for the timing figures. */
static unsigned long module_count_relocations(const struct load_info *info)
{
	unsigned long n = 0;

	for (u32 i = 0; i < info->shnum; i++) {
		const Elf64_Shdr *sh = &info->sechdrs[i];

		if (sh->sh_type == SHT_RELA && sh->sh_info < info->shnum &&
		    (info->sechdrs[sh->sh_info].sh_flags & SHF_ALLOC))
			n += sh->sh_size / sizeof(Elf64_Rela);
	}
	return n;
}

/* One dmesg line per load with its costs; `make bench` reads these. */
static void module_log_timing(const struct module *mod, const struct load_info *info,
			      size_t image_size, u64 t_start, u64 t_linked, u64 t_done)
{
	pr_debug("%s: loaded in %lu us (link %lu us, init %lu us), %lu KiB image, %lu relocations\n",
		 mod->name, (unsigned long)(t_done - t_start) / 1000,
		 (unsigned long)(t_linked - t_start) / 1000, (unsigned long)(t_done - t_linked) / 1000,
		 (unsigned long)(image_size + 1023) / 1024, module_count_relocations(info));
}

/* struct module lives in the module area, not the heap: modules reach it through THIS_MODULE
 * with -mcmodel=kernel (32-bit sign-extended) relocations, which only reach the top 2 GiB. */
#define MODULE_STRUCT_SIZE ALIGN_UP(sizeof(struct module), PAGE_SIZE)

static struct module *module_alloc_struct(const char *name, const struct modinfo *mi)
{
	struct module *mod = module_area_alloc(MODULE_STRUCT_SIZE);

	if (!mod)
		return NULL;
	memset(mod, 0, sizeof(*mod));
	strlcpy(mod->name, name, sizeof(mod->name));
	mod->gpl_compatible = mi->gpl_compatible;
	mod->state = MODULE_STATE_LOADING;
	return mod;
}

void module_free_struct(struct module *mod)
{
	kfree(mod->args);
	kfree(mod->uses);
	module_area_free(mod, MODULE_STRUCT_SIZE);
}

/* Checks the image (filling mi and the name it gives), lays it out and allocates struct
 * module and the module's area. module_mutex held. 0 and *modp, or -errno (reported). */
static int module_alloc(struct load_info *info, struct modinfo *mi, char *name,
			struct module **modp)
{
	struct module *mod;
	int err = module_check_image(info, mi, name);

	if (err)
		return err;
	err = module_layout(info);
	if (err) {
		pr_err("%s: %s\n", name, info->err);
		return err;
	}
	mod = module_alloc_struct(name, mi);
	if (!mod) {
		pr_err("%s: not enough free memory for struct module\n", name);
		return -ENOMEM;
	}
	mod->layout = info->layout;
	mod->mem = module_area_alloc(info->layout.total_size);
	if (!mod->mem) {
		pr_err("%s: not enough free memory for the module's %lu KiB\n", name,
		       (unsigned long)(info->layout.total_size + 1023) / 1024);
		module_free_struct(mod);
		return -ENOMEM;
	}
	*modp = mod;
	return 0;
}

/* Links and relocates, protects, sets parameters and adds exports. On failure the parameters
 * are undone; memory and struct stay for the caller to free. module_mutex held. */
static int module_setup(struct module *mod, struct load_info *info, const struct modinfo *mi,
			const char *args)
{
	struct resolve_ctx ctx = { .mod = mod };
	int err;

	ctx.user = (struct export_user){ .name = mod->name, .gpl_compatible = mi->gpl_compatible };
	module_find_versions(info, &ctx.user);
	err = module_link(mod, info, &ctx);
	if (!err)
		err = module_apply_protections(mod);
	if (!err)
		err = module_setup_params(mod, args);
	if (err)
		return err;
	mod->args = kstrdup(args ? args : "", GFP_KERNEL);
	err = mod->args ? module_add_exports(mod, info) : -ENOMEM;
	if (err && mod->params_set)
		params_free(mod->params, mod->num_params);
	return err;
}

/* After a failed init: everything undone, unless code of the module may still run (a thread
 * that would not stop, a call that never ended), which keeps it. module_mutex held. */
static void module_unwind_init(struct module *mod, int err)
{
	unsigned int stuck;

	if (err == -EBUSY && mod->refcnt) {
		module_keep_stuck(mod, 0); /* a call into it never ended: its memory must stay */
		return;
	}
	mod->state = MODULE_STATE_GOING;
	stuck = module_release_resources(mod);
	if (stuck) {
		module_keep_stuck(mod, stuck);
		return;
	}
	module_list_del(mod);
	export_remove_module(mod);
	if (mod->params_set)
		params_free(mod->params, mod->num_params);
	module_area_free(mod->mem, mod->layout.total_size);
	module_free_struct(mod);
}

int load_module(const void *image, size_t size, const char *filename, const char *args,
		struct module **out)
{
	struct load_info info;
	struct modinfo mi;
	char name[MODULE_NAME_LEN];
	struct module *mod;
	u64 t_start = ktime_get_ns(), t_linked;
	int err;

	BUILD_BUG_ON(MODULE_NAME_MAX + 1 != MODULE_NAME_LEN);
	err = module_name_from_file(filename, name, sizeof(name));
	if (err)
		return err;
	err = module_validate_elf(&info, image, size, filename);
	if (err) {
		pr_err("%s: %s\n", filename, info.err);
		return err;
	}
	mutex_lock(&module_mutex);
	err = module_alloc(&info, &mi, name, &mod);
	if (err)
		goto out_unlock;
	err = module_setup(mod, &info, &mi, args);
	if (err)
		goto out_free_memory;
	module_list_add(mod); /* LOADING: listed, so the name is taken, but not linkable */
	module_account_taint(mod);
	module_record_sections(mod, &info);
	mutex_unlock(&module_mutex);
	do_init_module_hook(mod);
	t_linked = ktime_get_ns();
	err = module_run_init(mod);
	if (err) {
		mutex_lock(&module_mutex);
		module_unwind_init(mod, err);
		goto out_unlock;
	}
	module_log_timing(mod, &info, size, t_start, t_linked, ktime_get_ns());
	if (out)
		*out = mod;
	return 0;

out_free_memory:
	module_area_free(mod->mem, mod->layout.total_size);
	module_free_struct(mod);
out_unlock:
	mutex_unlock(&module_mutex);
	return err;
}

int load_module_file(const char *path, const char *args, struct module **out)
{
	void *image;
	size_t size;
	int err;

	err = kernel_read_file_from_path(path, &image, &size, KERNEL_READ_FILE_MAX);
	if (err) {
		pr_err("insmod: %s: cannot read the file (%s)\n", path, errno_name(err));
		return err;
	}
	err = load_module(image, size, path, args, out);
	kfree(image);
	return err;
}
