"""gdb commands for debugging Keel, loaded by tools/gdbinit (or `source tools/gdb/keel.py`).

  keel-symbols [DIR...]  add-symbol-file every loaded module at its section addresses, read
                         from the kernel's module list (struct module's sections[] table), and
                         again for each module loaded later: a breakpoint on
                         do_init_module_hook() runs before the module's init, so a pending
                         `break mymod_init` resolves in time. The .ko files are looked for in
                         the DIRs given, then next to the kernel (build/modules/) and the
                         current folder, recursively.
  keel-lsmod             the loaded modules: name, state, base address, size
  keel-dmesg             the kernel log ring (printk's log_buf)
  keel-ps                every task: pid, state, comm, and which one is running

Everything is read from the guest's memory through gdb's Python API; nothing runs in the guest.
Written for Keel from its own data structures (kernel/module/module.h, kernel/sched/task.c,
kernel/console/printk.c).
"""
import os

import gdb

MODULE_STATES = {0: 'Loading', 1: 'Live', 2: 'Unloading'}
TASK_STATES = {0: 'R', 1: 'S', 2: 'D', 0x80: 'X'}


def static_var(name, filename):
    """A file-scope static of the kernel, e.g. core.c's `modules`."""
    return gdb.parse_and_eval("'%s'::%s" % (filename, name))


def c_string(array):
    return array.string(errors='replace').split('\0', 1)[0]


def module_list():
    mod = static_var('modules', 'core.c')
    while int(mod) != 0:
        yield mod
        mod = mod['next']


def module_sections(mod):
    """{section name: address} from the module's sections[] table."""
    sections = {}
    for i in range(int(mod['num_sections'])):
        sec = mod['sections'][i]
        sections[c_string(sec['name'])] = int(sec['addr'])
    return sections


class ModuleSymbols:
    """The symbol files keel-symbols added, by module name, so a reload replaces them."""

    def __init__(self):
        self.search_dirs = []
        self.loaded = {}  # module name -> (file, .text address)

    def kernel_dirs(self):
        elf = gdb.current_progspace().filename
        dirs = [os.path.join(os.path.dirname(elf), 'modules')] if elf else []
        return self.search_dirs + dirs + [os.getcwd()]

    def find_ko(self, name):
        wanted = {name + '.ko', name.replace('_', '-') + '.ko'}
        for top in self.kernel_dirs():
            for folder, dirs, files in os.walk(top):
                dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
                for f in sorted(files):
                    if f in wanted:
                        return os.path.join(folder, f)
        return None

    def unload(self, name):
        if name in self.loaded:
            _, text = self.loaded.pop(name)
            gdb.execute('remove-symbol-file -a 0x%x' % text, to_string=True)

    def load(self, mod):
        name = c_string(mod['name'])
        sections = module_sections(mod)
        path = self.find_ko(name)
        if path is None or '.text' not in sections:
            gdb.write('keel-symbols: no %s.ko found (search: %s)\n'
                      % (name, ' '.join(self.kernel_dirs())))
            return
        if self.loaded.get(name) == (path, sections['.text']):
            return  # the hook can be reported twice for one call (after re-inserting)
        self.unload(name)
        args = ''.join(' -s %s 0x%x' % (sec, addr) for sec, addr in sorted(sections.items())
                       if sec != '.text')
        gdb.write('keel-symbols: %s at 0x%x (%s)\n' % (name, sections['.text'], path))
        gdb.execute('add-symbol-file %s 0x%x%s' % (path, sections['.text'], args),
                    to_string=True)
        self.loaded[name] = (path, sections['.text'])

    def load_all(self):
        for name in list(self.loaded):
            self.unload(name)
        for mod in module_list():
            self.load(mod)


SYMBOLS = ModuleSymbols()


class LoadHook(gdb.Breakpoint):
    """Loads each new module's symbols before its init runs, then lets the guest go on."""

    def __init__(self):
        super().__init__('*do_init_module_hook', internal=True)
        self.silent = True

    def stop(self):
        # At the first instruction the argument is still in %rdi (psABI), whatever the DWARF.
        mod_type = gdb.lookup_type('struct module').pointer()
        SYMBOLS.load(gdb.parse_and_eval('$rdi').cast(mod_type))
        return False


class KeelSymbols(gdb.Command):
    """Load the symbols of every loaded Keel module, and of each module loaded from now on.
Usage: keel-symbols [DIR...]   (folders to search for .ko files first)"""

    def __init__(self):
        super().__init__('keel-symbols', gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)
        self.hook = None

    def invoke(self, arg, from_tty):
        SYMBOLS.search_dirs = [os.path.abspath(os.path.expanduser(d))
                               for d in gdb.string_to_argv(arg)]
        SYMBOLS.load_all()
        if self.hook is None or not self.hook.is_valid():
            self.hook = LoadHook()


class KeelLsmod(gdb.Command):
    """List the loaded Keel modules (name, state, base address, size)."""

    def __init__(self):
        super().__init__('keel-lsmod', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        gdb.write('%-19s %-9s %-18s %8s\n' % ('Module', 'State', 'Address', 'Size'))
        for mod in module_list():
            gdb.write('%-19s %-9s 0x%016x %8d\n' % (
                c_string(mod['name']), MODULE_STATES.get(int(mod['state']), '?'),
                int(mod['mem']), int(mod['layout']['total_size'])))


class KeelDmesg(gdb.Command):
    """Print the kernel log ring (what `dmesg` would show)."""

    def __init__(self):
        super().__init__('keel-dmesg', gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = static_var('log_buf', 'printk.c')
        size = int(buf.type.sizeof)
        head = int(static_var('log_head', 'printk.c'))
        length = int(static_var('log_len', 'printk.c'))
        data = bytes(gdb.selected_inferior().read_memory(buf.address, size))
        start = (head - length) % size
        text = (data[start:] + data[:start])[:length] if length == size else \
            (data + data)[start:start + length]
        if length == size:  # wrapped: the oldest line is partial
            text = text[text.find(b'\n') + 1:]
        gdb.write(text.decode('utf-8', errors='replace'))


class KeelPs(gdb.Command):
    """List every task (pid, state, comm); '*' marks the one running."""

    def __init__(self):
        super().__init__('keel-ps', gdb.COMMAND_DATA)

    @staticmethod
    def tasks():
        """init_task (the idle task, pid 0), then task_list: the order of for_each_task()."""
        task_type = gdb.lookup_type('struct task_struct')
        offset = next(f.bitpos // 8 for f in task_type.fields() if f.name == 'tasks')
        yield gdb.parse_and_eval('&init_task')
        head = static_var('task_list', 'task.c')
        node = head['next']
        while int(node) != int(head.address):
            yield gdb.Value(int(node) - offset).cast(task_type.pointer())
            node = node['next']

    def invoke(self, arg, from_tty):
        current = int(gdb.parse_and_eval('current_task'))
        gdb.write('  %5s %-5s %s\n' % ('PID', 'STATE', 'COMMAND'))
        for task in self.tasks():
            state = TASK_STATES.get(int(task['__state']), str(int(task['__state'])))
            gdb.write('%s %5d %-5s %s\n' % ('*' if int(task) == current else ' ',
                                             int(task['pid']), state, c_string(task['comm'])))

KeelSymbols()
KeelLsmod()
KeelDmesg()
KeelPs()
