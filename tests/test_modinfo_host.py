"""Host-only checks of built modules (no QEMU): Debian's modinfo(8) and modprobe(8) read our
.ko files as Linux modules, the sections the loader expects are there, the kernel's export
table matches Module.symvers, out-of-tree (M=) builds work, and CRCs do not depend on the
compiler. Run: /usr/bin/python3 -m pytest tests/test_modinfo_host.py"""
import os
import re
import shutil
import struct
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
HELLO = os.path.join(BUILD, 'modules', 'hello.ko')
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import elfsections  # noqa: E402
import genksyms  # noqa: E402


def run(*cmd, cwd=ROOT):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout


def expected_vermagic():
    with open(os.path.join(ROOT, 'kernel/init/version.h')) as f:
        version = re.search(r'#define KEEL_VERSION "(.*)"', f.read()).group(1)
    with open(os.path.join(ROOT, 'kernel/include/keel/vermagic.h')) as f:
        abi = re.search(r'#define VERMAGIC_ABI "(.*)"', f.read()).group(1)
    return version + ' ' + abi


@pytest.fixture(scope='module')
def built():
    run('make', '-s', 'modules', 'build/keel.elf')


def modinfo_fields(path):
    fields = {}
    for line in run('modinfo', path).splitlines():
        key, _, value = line.partition(':')
        fields.setdefault(key, []).append(value.strip())
    return fields


def test_modinfo_prints_every_field(built):
    f = modinfo_fields(HELLO)
    assert f['license'] == ['GPL']
    assert f['author'] == ['Keel developers']
    assert f['description'] == ['Template module: greets on load and unload']
    assert f['version'] == ['1.0']
    assert f['vermagic'] == [expected_vermagic()]
    assert f['depends'] == ['']
    assert f['name'] == ['hello']
    assert 'who:Whom to greet (default: world) (charp)' in f['parm']
    assert any(p.startswith('count:How many greetings') and p.endswith('(int)')
               for p in f['parm'])


def test_module_sections_and_symbols(built):
    sections = elfsections.read_sections(HELLO)
    for name in ('.modinfo', '__versions', '__param', '.text'):
        assert name in sections
    assert len(sections['__param']) == 2 * 48  # two struct kernel_param
    assert len(sections['__versions']) % 64 == 0
    syms = run('nm', HELLO)
    assert re.search(r' T init_module$', syms, re.M)
    assert re.search(r' T cleanup_module$', syms, re.M)
    assert re.search(r' U printk$', syms, re.M)


def test_versions_readable_by_modprobe_and_match_kernel(built):
    kernel = genksyms.read_symvers([os.path.join(BUILD, 'Module.symvers')])
    dump = run('modprobe', '--dump-modversions', HELLO)
    versions = dict((sym, int(crc, 16)) for crc, sym in (l.split() for l in dump.splitlines()))
    assert versions == {'printk': kernel['printk'][0]}


def test_kernel_ksymtab_matches_symvers(built):
    elf = os.path.join(BUILD, 'keel.elf')
    symbols = {}
    for line in run('nm', elf).splitlines():
        addr, _, name = line.split()
        symbols[name] = int(addr, 16)
    rodata_addr, rodata = elfsections.sections_with_addresses(elf)['.rodata']
    start, end = symbols['__ksymtab_start'] - rodata_addr, symbols['__ksymtab_end'] - rodata_addr
    symvers = genksyms.read_symvers([os.path.join(BUILD, 'Module.symvers')])
    assert (end - start) // 24 == len(symvers) > 20
    for off in range(start, end, 24):
        addr, name_ptr, crc, flags = struct.unpack_from('<QQII', rodata, off)
        name_off = name_ptr - rodata_addr
        name = rodata[name_off:rodata.index(b'\0', name_off)].decode()
        assert addr == symbols[name]
        assert crc == symvers[name][0] == symbols['__crc_' + name]
        assert flags == (symvers[name][2] == 'EXPORT_SYMBOL_GPL')
    for name in ('printk', 'vprintk', 'memcpy', 'memset', 'strlen', 'snprintf'):
        assert name in symvers


EXT_A = r'''
#include <keel/module.h>
int multi_helper(int x);
MODULE_LICENSE("GPL");
MODULE_ALIAS("keel-test-multi");
'''
EXT_B = r'''
#include <keel/module.h>
int multi_helper(int x) { return x + 1; }
EXPORT_SYMBOL_GPL(multi_helper);
static int __init multi_init(void) { pr_info("multi: %d\n", multi_helper(1)); return 0; }
module_init(multi_init);
'''
EXT_USER = r'''
#include <keel/module.h>
int multi_helper(int x);
static unsigned long sizes[4];
static unsigned int nr_sizes;
module_param_array(sizes, ulong, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "Up to four sizes");
static bool verbose;
module_param(verbose, bool, 0644);
static int __init user_init(void) { return multi_helper(nr_sizes) > 0 ? 0 : -EINVAL; }
module_init(user_init);
MODULE_LICENSE("Dual MIT/GPL");
'''
EXT_NUL = r'''
#include <keel/module.h>
MODULE_LICENSE("GPL\0for files in the GPL directory");
'''


@pytest.fixture(scope='module')
def external(built, tmp_path_factory):
    d = tmp_path_factory.mktemp('ext')
    files = {'a.c': EXT_A, 'b.c': EXT_B, 'user.c': EXT_USER, 'nul.c': EXT_NUL,
             'Kbuild': 'obj-m := multi.o user.o nul.o\nmulti-objs := a.o b.o\n'}
    for name, text in files.items():
        (d / name).write_text(text)
    run('make', '-s', 'modules', 'M=%s' % d)
    return d


def test_external_multi_file_module_and_depends(external):
    multi = str(external / 'multi.ko')
    f = modinfo_fields(multi)
    assert f['alias'] == ['keel-test-multi'] and f['depends'] == ['']
    assert modinfo_fields(str(external / 'user.ko'))['depends'] == ['multi']
    assert '__ksymtab' in elfsections.read_sections(multi)
    own = genksyms.read_symvers([str(external / 'Module.symvers')])
    assert own['multi_helper'][1:] == ('multi', 'EXPORT_SYMBOL_GPL')
    dump = run('modprobe', '--dump-modversions', str(external / 'user.ko'))
    assert '0x%08x\tmulti_helper' % own['multi_helper'][0] in dump
    assert re.search(r' A __crc_multi_helper$', run('nm', multi), re.M)
    user = modinfo_fields(str(external / 'user.ko'))
    assert sorted(user['parm']) == ['sizes:Up to four sizes (array of ulong)', 'verbose:bool']


def test_license_with_embedded_nul_is_read_whole(external):
    entries = elfsections.modinfo(str(external / 'nul.ko'))
    assert ('license', 'GPL\0for files in the GPL directory') in entries
    # Linux tools stop at the NUL; our parser keeps the continuation, so it is not "GPL".
    assert modinfo_fields(str(external / 'nul.ko'))['license'] == ['GPL']


@pytest.mark.skipif(not shutil.which('clang'), reason='clang is not installed')
def test_crcs_do_not_depend_on_the_compiler(tmp_path):
    src = os.path.join(ROOT, 'modules/hello/hello.c')
    crcs = []
    for cc in ('gcc', 'clang'):
        out = tmp_path / (cc + '.i')
        run(cc, '-std=gnu11', '-ffreestanding', '-Ikernel/include', '-DMODULE', '-D__GENKSYMS__',
            '-DKBUILD_MODNAME="hello"', '-E', src, '-o', str(out))
        unit = genksyms.load_unit(str(out))
        crcs.append({s: unit.crc(s) for s in ('printk', 'vprintk', 'snprintf', 'kstrtoul',
                                              'kmalloc', 'memcpy')})
    assert crcs[0] == crcs[1] and None not in crcs[0].values()
