#!/usr/bin/python3
"""Symbol versioning (modversions) for Keel: the CRC of an exported symbol's C declaration.

The input is a preprocessed translation unit (`$(CC) -E -D__GENKSYMS__ file.c`), where each
EXPORT_SYMBOL(sym) became a marker `__keel_genksyms_export(sym, EXPORT_SYMBOL);`.

The CRC covers a canonical text built from tokens (so whitespace and compiler -E layout do not
matter) of:
  * the symbol's first declaration in the unit, without attributes, storage classes, asm
    labels, initialisers, function bodies and parameter names;
  * recursively, the definition of every typedef and struct/union/enum tag it refers to, so
    a changed structure layout changes the CRC of every function that takes it.
Typedefs defined in the compiler's own headers (size_t, uint32_t, va_list, bool: ABI-fixed by
the psABI but spelt differently by GCC and clang) stay opaque names, so a module compiled by
clang gets the same CRCs as a kernel compiled by GCC. Likewise the structures the module API
keeps opaque (OPAQUE_TAGS: modules only ever see `struct module;`, `struct kthread;`...) are taken by name: the kernel
sees their definition, modules never do, and neither side can depend on their layout.

Usage:
  genksyms.py crc FILE.i [MODULE]    Module.symvers lines for the unit's exports
  genksyms.py asm SYMVERS...         assembly defining the absolute __crc_<sym> symbols
  genksyms.py dump FILE.i SYMBOL     the canonical text of one symbol (debugging)
"""
import re
import sys
import zlib

TOKEN_RE = re.compile(r'''
    (?P<ws>[ \t\r\f\v]+|\n)
  | (?P<str>L?"(?:\\.|[^"\\\n])*")
  | (?P<chr>L?'(?:\\.|[^'\\\n])*')
  | (?P<id>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
  | (?P<punct>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=?:;,.()\[\]{}#@\\])
''', re.X)
LINE_MARKER_RE = re.compile(r'^#\s*(?:line\s+)?\d+\s+"((?:\\.|[^"\\])*)"((?:\s+\d+)*)\s*$')

KEYWORDS = set('''auto break case char const continue default do double else enum extern float for
goto if inline int long register restrict return short signed sizeof static struct switch
typedef union unsigned void volatile while _Bool _Complex _Alignas _Alignof _Atomic _Generic
_Noreturn _Static_assert _Thread_local __int128 __typeof__ typeof __auto_type __label__
__builtin_va_list __builtin_offsetof'''.split())
# Tokens that do not change the interface, or are spelling variants of one that does.
DROPPED = set('''extern static inline __inline __inline__ __extension__ register _Noreturn
restrict __restrict __restrict__ __volatile__ _Thread_local __thread'''.split())
RENAMED = {'__const': 'const', '__const__': 'const', '__signed__': 'signed', '__signed': 'signed',
           '__volatile': 'volatile', '__typeof': 'typeof', '__typeof__': 'typeof'}
ATTRIBUTE_WORDS = {'__attribute__', '__attribute', '__asm__', '__asm', 'asm', '_Alignas',
                   '__declspec'}
TAG_WORDS = {'struct', 'union', 'enum'}
EXPORT_MARKER = '__keel_genksyms_export'


class Token:
    __slots__ = ('text', 'system')

    def __init__(self, text, system):
        self.text = text
        self.system = system


def tokenize(source):
    """Tokens of a preprocessed unit; each knows whether it came from a system header."""
    tokens = []
    system = False
    for line in source.split('\n'):
        if line.startswith('#'):
            m = LINE_MARKER_RE.match(line)
            if m:
                system = '3' in m.group(2).split()
            continue
        pos = 0
        while pos < len(line):
            m = TOKEN_RE.match(line, pos)
            if not m:
                raise ValueError('cannot tokenize: %r' % line[pos:pos + 40])
            pos = m.end()
            if m.lastgroup != 'ws':
                tokens.append(Token(m.group(), system))
    return tokens


def split_declarations(tokens):
    """Top-level declarations: token lists ending at ';', or at a function body's '}'
    (the body itself is dropped)."""
    decls, cur, depth = [], [], 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.text
        if depth == 0 and t == '{' and cur and cur[-1].text == ')' and not _is_initializer(cur):
            i = _skip_balanced(tokens, i)
            decls.append(cur)
            cur = []
            continue
        if t in '([{':
            depth += 1
        elif t in ')]}':
            depth -= 1
        if depth == 0 and t == ';':
            if cur:
                decls.append(cur)
            cur = []
        else:
            cur.append(tok)
        i += 1
    return decls


def _is_initializer(tokens):
    depth = 0
    for tok in tokens:
        if tok.text in '([{':
            depth += 1
        elif tok.text in ')]}':
            depth -= 1
        elif depth == 0 and tok.text == '=':
            return True
    return False


def _skip_balanced(tokens, i):
    """Index just past the bracket group that opens at tokens[i]."""
    depth = 0
    while i < len(tokens):
        if tokens[i].text in '([{':
            depth += 1
        elif tokens[i].text in ')]}':
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def strip_noise(tokens):
    """Removes attributes, asm labels and interface-neutral keywords; returns token texts
    (plus a parallel list of system-header flags)."""
    out, system = [], []
    i = 0
    while i < len(tokens):
        t = tokens[i].text
        if t in ATTRIBUTE_WORDS:
            i += 1
            if i < len(tokens) and tokens[i].text in ('volatile', '__volatile__'):
                i += 1
            if i < len(tokens) and tokens[i].text == '(':
                i = _skip_balanced(tokens, i)
            continue
        if t not in DROPPED:
            out.append(RENAMED.get(t, t))
            system.append(tokens[i].system)
        i += 1
    return out, system


def _is_name_candidate(texts, i):
    t = texts[i]
    if not re.match(r'[A-Za-z_$]', t) or t in KEYWORDS:
        return False
    if i > 0 and texts[i - 1] in TAG_WORDS:
        return False
    nxt = texts[i + 1] if i + 1 < len(texts) else ';'
    return nxt in ('(', '[', ';', ',', '=', ')', ':')


def declared_names(texts):
    """The identifiers a declaration declares: for each top-level declarator the first
    identifier that is followed by what follows a declarator name."""
    names, i, depth, piece_start = [], 0, 0, True
    while i < len(texts):
        t = texts[i]
        if t == '{' or (t == '=' and depth == 0):
            j = _skip_to_declarator_end(texts, i)
            i = j
            continue
        if t in '([':
            depth += 1
        elif t in ')]':
            depth -= 1
        elif t == ',' and depth == 0:
            piece_start = True
        elif piece_start and _is_name_candidate(texts, i):
            names.append(t)
            piece_start = False
        i += 1
    return names


def _skip_to_declarator_end(texts, i):
    if texts[i] == '{':
        depth = 0
        while i < len(texts):
            if texts[i] == '{':
                depth += 1
            elif texts[i] == '}':
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i
    depth = 0
    while i < len(texts):  # an initialiser: up to the next top-level comma
        if texts[i] in '([{':
            depth += 1
        elif texts[i] in ')]}':
            depth -= 1
        elif texts[i] == ',' and depth == 0:
            return i
        i += 1
    return i


# Tags modules only see declared, never defined (see <keel/module.h>, <keel/sched.h>,
# <keel/workqueue.h>).
# struct address_space (the page cache's per-owner index) holds a mutex, hence a task_struct:
# units that include <keel/sched.h> and units that do not would expand it differently.
# struct task_struct: struct mutex points to one, and whether a unit sees its definition
# depends on what it includes (kernel/locking/mutex.c does, kernel/fs/exports.c does not), so a
# module could not match both mutex_lock's and iput's CRCs.
OPAQUE_TAGS = {'struct module', 'struct kthread', 'struct fpu_state', 'struct workqueue_struct',
               'struct address_space', 'struct task_struct', 'struct poll_table'}


class Unit:
    """One preprocessed translation unit, indexed for CRC computation."""

    def __init__(self, source):
        self.typedefs = {}   # name -> (texts, defined in a system header)
        self.tags = {}       # 'struct foo' -> texts of the definition
        self.decls = {}      # symbol -> texts of its first declaration
        self.exports = []    # (symbol, 'EXPORT_SYMBOL' | 'EXPORT_SYMBOL_GPL')
        for decl in split_declarations(tokenize(source)):
            self._index(decl)

    def _index(self, decl):
        texts, system = strip_noise(decl)
        if not texts:
            return
        if texts[0] == EXPORT_MARKER:
            if len(texts) >= 6:
                self.exports.append((texts[2], texts[4]))
            return
        self._index_tags(texts)
        if texts[0] == 'typedef':
            for name in declared_names(texts[1:]):
                self.typedefs.setdefault(name, (texts, all(system)))
            return
        if texts[0] == '_Static_assert':
            return
        for name in declared_names(texts):
            self.decls.setdefault(name, texts)

    def _index_tags(self, texts):
        for i in range(len(texts) - 2):
            if texts[i] in TAG_WORDS and texts[i + 2] == '{' and texts[i + 1] not in '{':
                key = texts[i] + ' ' + texts[i + 1]
                end = _skip_to_declarator_end(texts, i + 2)
                self.tags.setdefault(key, texts[i:end])

    def canonical(self, symbol):
        """The canonical text the CRC is computed over, or None when undeclared."""
        decl = self.decls.get(symbol)
        if decl is None:
            return None
        lines = [' '.join(self._without_param_names(decl, symbol))]
        seen = set()
        self._expand(decl, lines, seen)
        return '\n'.join(lines)

    def crc(self, symbol):
        text = self.canonical(symbol)
        return None if text is None else zlib.crc32(text.encode()) & 0xffffffff

    def _without_param_names(self, texts, symbol):
        """Drops initialisers and every plain identifier inside the parentheses after the
        declared name (parameter names), keeping typedef names and tags."""
        out, depth, after_name = [], 0, False
        for i, t in enumerate(texts):
            if t == '=' and depth == 0:
                break
            if t == symbol and not after_name:
                after_name = True
            elif t in '([':
                depth += 1
            elif t in ')]':
                depth -= 1
            elif (after_name and depth > 0 and re.match(r'[A-Za-z_$]', t)
                  and t not in KEYWORDS and t not in self.typedefs
                  and not (i > 0 and texts[i - 1] in TAG_WORDS)):
                continue
            out.append(t)
        return out

    def _expand(self, texts, lines, seen):
        """Appends the definitions of the types texts refers to (depth first)."""
        for i, t in enumerate(texts):
            if t in TAG_WORDS and i + 1 < len(texts):
                key = t + ' ' + texts[i + 1]
                if key in self.tags and key not in seen and key not in OPAQUE_TAGS:
                    seen.add(key)
                    lines.append(key + ' = ' + ' '.join(self.tags[key]))
                    self._expand(self.tags[key][2:], lines, seen)
            elif t in self.typedefs and t not in seen:
                seen.add(t)
                body, system = self.typedefs[t]
                if system:
                    continue
                lines.append('typedef ' + t + ' = ' + ' '.join(body))
                self._expand(body, lines, seen)


def load_unit(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return Unit(f.read())


def symvers_lines(unit, path, module):
    lines = []
    for sym, kind in unit.exports:
        crc = unit.crc(sym)
        if crc is None:
            raise SystemExit('genksyms: %s: no declaration of exported symbol %s' % (path, sym))
        lines.append('0x%08x\t%s\t%s\t%s\t' % (crc, sym, module, kind))
    return lines


def read_symvers(paths):
    """{symbol: (crc, module, kind)} from Module.symvers files (missing files are skipped)."""
    table = {}
    for path in paths:
        try:
            f = open(path)
        except FileNotFoundError:
            continue
        with f:
            for line in f:
                fields = line.rstrip('\n').split('\t')
                if len(fields) >= 4 and fields[0].startswith('0x'):
                    table[fields[1]] = (int(fields[0], 16), fields[2], fields[3])
    return table


def crc_assembly(symbols):
    """Assembly defining absolute __crc_<sym> symbols: no bytes, so no code moves."""
    out = ['/* Generated by tools/genksyms.py: do not edit. */']
    for sym in sorted(symbols):
        out.append('\t.globl __crc_%s\n\t.set __crc_%s, 0x%08x' % (sym, sym, symbols[sym]))
    out.append('\t.section .note.GNU-stack, "", @progbits')
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) >= 2 and argv[0] == 'crc':
        module = argv[2] if len(argv) > 2 else 'keel'
        lines = symvers_lines(load_unit(argv[1]), argv[1], module)
        sys.stdout.write(''.join(line + '\n' for line in lines))
    elif len(argv) >= 1 and argv[0] == 'asm':
        table = read_symvers(argv[1:])
        sys.stdout.write(crc_assembly({s: v[0] for s, v in table.items()}))
    elif len(argv) == 3 and argv[0] == 'dump':
        text = load_unit(argv[1]).canonical(argv[2])
        if text is None:
            raise SystemExit('genksyms: %s: %s is not declared' % (argv[1], argv[2]))
        print(text)
        print('crc 0x%08x' % (zlib.crc32(text.encode()) & 0xffffffff))
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
