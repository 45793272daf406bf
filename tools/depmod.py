#!/usr/bin/python3
"""depmod for Keel: writes modules.dep and modules.alias for the .ko files of one folder and its
subfolders (the initrd's /lib/modules, or lib/modules/<version> of `make modules_install`), from
their .modinfo depends= and alias= entries. Paths in modules.dep are relative to the folder, as
in Linux ("extra/foo.ko: extra/bar.ko").

modules.dep, Linux's format: "name.ko: dep1.ko dep2.ko", listing every module name.ko needs,
directly or not, ordered so that each module comes before the modules it needs: load them
from the end of the line to its start, then name.ko itself.
modules.alias: "alias <pattern> <module name>" lines.

Usage: depmod.py [--external] DIR
  --external: a dependency missing from DIR is expected elsewhere (the kernel's own
  /lib/modules): it is listed as "name.ko", without a warning. The guest's modprobe finds
  every module by name in all its module folders.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import elfsections  # noqa: E402


def ko_files(folder):
    """Every .ko under folder, as sorted paths relative to it."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs.sort()
        rel = os.path.relpath(top, folder)
        found += [f if rel == '.' else os.path.join(rel, f) for f in files if f.endswith('.ko')]
    return sorted(found)


def read_modules(folder):
    mods = {}
    for fname in ko_files(folder):
        info = elfsections.modinfo(os.path.join(folder, fname))
        base = os.path.basename(fname)[:-3]
        name = dict(info).get('name', base.replace('-', '_'))
        deps = [d for k, v in info if k == 'depends' for d in v.split(',') if d]
        aliases = [v for k, v in info if k == 'alias']
        mods[name] = (fname, deps, aliases)
    return mods


EXTERNAL = False  # --external: missing dependencies live in another module folder


def load_order(mods, name, stack=()):
    """Modules `name` needs, each after everything that needs it (post-order, reversed)."""
    if name in stack:
        raise SystemExit('depmod: dependency cycle: %s' % ' -> '.join(stack + (name,)))
    order = []
    for dep in mods[name][1]:
        if dep not in mods and EXTERNAL:
            mods[dep] = (dep + '.ko', [], [])
        if dep not in mods:
            sys.stderr.write('depmod: warning: %s needs %s, which is missing\n'
                             % (mods[name][0], dep))
            continue
        for m in load_order(mods, dep, stack + (name,)) + [dep]:
            if m in order:
                order.remove(m)
            order.append(m)
    return order


def main(argv):
    global EXTERNAL
    EXTERNAL = argv[:1] == ['--external']
    argv = argv[1:] if EXTERNAL else argv
    if len(argv) != 1:
        raise SystemExit(__doc__)
    folder = argv[0]
    mods = read_modules(folder)
    dep_lines, alias_lines = [], []
    for name in sorted(n for n in mods if os.path.exists(os.path.join(folder, mods[n][0]))):
        needed = list(reversed(load_order(mods, name)))
        dep_lines.append('%s:%s\n' % (mods[name][0],
                                      ''.join(' ' + mods[d][0] for d in needed)))
        alias_lines += ['alias %s %s\n' % (a, name) for a in mods[name][2]]
    with open(os.path.join(folder, 'modules.dep'), 'w') as f:
        f.writelines(dep_lines)
    with open(os.path.join(folder, 'modules.alias'), 'w') as f:
        f.write('# Aliases extracted from modules themselves.\n')
        f.writelines(sorted(alias_lines))


if __name__ == '__main__':
    main(sys.argv[1:])
