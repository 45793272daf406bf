"""Host-only checks of the in-tree test modules (no QEMU): every CRC a module records in
__versions equals the exporter's in Module.symvers (only test_badcrc disagrees, on purpose), so
a module never meets a "disagrees about version" it does not deserve; modpost's depends=; weak
undefined symbols are allowed; Kbuild ccflags-y reaches the compiler.
Run: /usr/bin/python3 -m pytest tests/test_modules_host.py"""
import os
import shutil
import struct
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, 'build')
MODULES = os.path.join(BUILD, 'modules')
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import elfsections  # noqa: E402

VERSION_ENTRY = struct.Struct('<Q56s')
EXPECTED_MISMATCHES = {('test_badcrc', 'stack_a_add')}


def make(*args):
    env = dict(os.environ)
    env.pop('MAKEFLAGS', None)
    return subprocess.run(['make', '--no-print-directory', *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope='module')
def built():
    make('-s', 'modules')


def symvers():
    crcs = {}
    for path in (os.path.join(BUILD, 'Module.symvers'), os.path.join(MODULES, 'Module.symvers')):
        with open(path) as f:
            for line in f:
                crc, sym, owner, kind = line.rstrip('\n').split('\t')[:4]
                crcs[sym] = (int(crc, 16), owner, kind)
    return crcs


def versions(ko):
    data = elfsections.read_sections(ko).get('__versions', b'')
    for off in range(0, len(data), VERSION_ENTRY.size):
        crc, name = VERSION_ENTRY.unpack_from(data, off)
        yield name.split(b'\0', 1)[0].decode(), crc


def module_names():
    return sorted(f[:-3] for f in os.listdir(MODULES) if f.startswith('test_') and f.endswith('.ko'))


def test_version_crcs_match_exports(built):
    exports = symvers()
    mismatches = set()
    for name in module_names():
        for sym, crc in versions(os.path.join(MODULES, name + '.ko')):
            assert sym in exports, f'{name}: __versions lists {sym}, which nobody exports'
            if crc != exports[sym][0]:
                mismatches.add((name, sym))
    assert mismatches == EXPECTED_MISMATCHES


def test_depends(built):
    for name in ('test_stack_b', 'test_gpl_user', 'test_badcrc', 'test_initfail'):
        info = dict(elfsections.modinfo(os.path.join(MODULES, name + '.ko')))
        assert info.get('depends') == 'test_stack_a', (name, info.get('depends'))
    info = dict(elfsections.modinfo(os.path.join(MODULES, 'test_initfail_user.ko')))
    assert info.get('depends') == 'test_initfail'


def test_weak_undefined_allowed(built):
    nm = subprocess.run(['nm', os.path.join(MODULES, 'test_codegen.ko')], check=True,
                        capture_output=True, text=True).stdout
    assert ' w codegen_absent_symbol' in nm and ' w codegen_absent_variable' in nm
    assert 'codegen_absent' not in dict(versions(os.path.join(MODULES, 'test_codegen.ko')))


def test_kbuild_ccflags(built, tmp_path):
    shutil.copy(os.path.join(ROOT, 'modules', 'test_params', 'test_params.c'), tmp_path)
    (tmp_path / 'Kbuild').write_text('ccflags-y := -O0 -DKEEL_CCFLAGS_PROBE=1\n')
    out = make('V=1', 'modules', f'M={tmp_path}')
    compiles = [line for line in out.splitlines() if ' -c ' in line and 'test_params.c' in line]
    assert compiles and all('-O0 -DKEEL_CCFLAGS_PROBE=1' in line for line in compiles), out
    assert (tmp_path / 'test_params.ko').exists()
