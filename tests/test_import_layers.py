"""The package's imports are layered: tape -> ndarray -> ops machinery -> op modules (which
attach ndarray's operators and methods) -> engine -> graph/autograd -> compile.

- every module imports alone (without the package's ``__init__``), first thing in a fresh
  interpreter;
- the graph of module-level ``from . import`` / ``from .x import`` edges has no cycle, and no
  package import sits below a module's first statement that is not an import (no
  bottom-of-file imports);
- a package-internal import inside a function carries its reason on the same line (a
  ``#`` comment);
- ``compile`` does not import ``autograd``, and the layers below ``ops`` do not import ops.
"""
import ast
import os
import subprocess
import sys

import networkx as nx
import pytest

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'autodiff')


def _modules():
    out = {}
    for dirpath, _, files in os.walk(ROOT):
        for f in files:
            if f.endswith('.py'):
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, os.path.dirname(ROOT))[:-3].replace(os.sep, '.')
                if rel.endswith('.__init__'):
                    rel = rel[:-len('.__init__')]
                out[rel] = path
    return out


MODULES = _modules()


def _target(module, path, node):
    """The package modules a ``from ... import`` names (a submodule when one is imported)."""
    if node.level == 0:
        base = node.module or ''
        if not base.startswith('autodiff'):
            return []
    else:
        parts = module.split('.')
        if not path.endswith('__init__.py'):
            parts = parts[:-1]
        parts = parts[:len(parts) - (node.level - 1)]
        base = '.'.join(parts + ([node.module] if node.module else []))
    return [f'{base}.{a.name}' if f'{base}.{a.name}' in MODULES else base for a in node.names]


def _imports():
    """{module: [(target, lineno, top_level, source_line)]} for package-internal imports."""
    out = {}
    for module, path in MODULES.items():
        text = open(path).read()
        lines = text.splitlines()
        tree = ast.parse(text)
        top = set(map(id, tree.body))
        rows = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                targets = _target(module, path, node)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith('autodiff')]
            else:
                continue
            for t in targets:
                rows.append((t, node.lineno, id(node) in top, lines[node.lineno - 1]))
        out[module] = rows
    return out


IMPORTS = _imports()


def _graph():
    g = nx.DiGraph()
    g.add_nodes_from(MODULES)
    for module, rows in IMPORTS.items():
        for target, _, top, _ in rows:
            if top and target != module:
                g.add_edge(module, target)
    return g


def test_the_module_import_graph_has_no_cycle():
    cycles = list(nx.simple_cycles(_graph()))
    assert not cycles, f"import cycles: {[' -> '.join(c) for c in sorted(cycles, key=len)[:5]]}"


def test_no_package_import_below_the_code():
    late = []
    for module, path in MODULES.items():
        tree = ast.parse(open(path).read())
        seen_code = False
        for node in tree.body:
            is_import = isinstance(node, (ast.Import, ast.ImportFrom))
            is_doc = (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                      and isinstance(node.value.value, str))
            if is_import and seen_code and _is_internal(module, path, node):
                late.append(f"{path}:{node.lineno}")
            if not (is_import or is_doc):
                seen_code = True
    assert not late, f"package imports after the module's code: {late}"


def _is_internal(module, path, node):
    if isinstance(node, ast.ImportFrom):
        return bool(_target(module, path, node))
    return any(a.name.startswith('autodiff') for a in node.names)


def test_imports_inside_functions_say_why():
    silent = [f"{MODULES[m]}:{line}" for m, rows in IMPORTS.items()
              for _, line, top, src in rows if not top and '#' not in src]
    assert not silent, f"package imports inside functions without a reason: {silent}"


def test_compile_does_not_import_autograd():
    bad = [(m, t) for m, rows in IMPORTS.items() if m.startswith('autodiff.compile')
           for t, *_ in rows if t == 'autodiff.autograd']
    assert not bad, bad


@pytest.mark.parametrize('low', ['autodiff.tape', 'autodiff.ndarray', 'autodiff._state',
                                 'autodiff.dtypes', 'autodiff.versions', 'autodiff.errors'])
def test_the_layers_below_the_ops_do_not_reach_up(low):
    up = nx.descendants(_graph(), low)
    assert not {m for m in up if m.startswith(('autodiff.ops', 'autodiff.engine',
                                               'autodiff.autograd', 'autodiff.compile',
                                               'autodiff.np', 'autodiff.graph'))}, sorted(up)


def test_the_op_modules_attach_the_array_methods():
    from autodiff.ndarray import ndarray
    for name in ('__add__', '__getitem__', '__setitem__', 'sum', 'reshape', 'T', 'backward'):
        assert name not in _class_body_names(), name
        assert hasattr(ndarray, name), name


def _class_body_names():
    tree = ast.parse(open(MODULES['autodiff.ndarray']).read())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == 'ndarray')
    names = set()
    for n in cls.body:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(n.name)
        elif isinstance(n, ast.Assign):
            names.update(t.id for t in n.targets if isinstance(t, ast.Name))
    return names




# The package's __init__ imports everything, so a plain ``import autodiff.x`` would load the
# whole package first; this stand-in package (its path, not its __init__) makes the import
# of ``autodiff.x`` load only what ``x`` itself imports.
_ALONE = """import sys, types
pkg = types.ModuleType('autodiff')
pkg.__path__ = [{root!r}]
sys.modules['autodiff'] = pkg
import {module}
"""


def test_each_module_imports_alone_in_a_fresh_interpreter():
    """Every module imports with only what it imports itself, first thing in a new
    interpreter (a few interpreters at a time)."""
    env = dict(os.environ, PYTHONPATH=os.path.dirname(ROOT))
    pending, running, failed = sorted(m for m in MODULES if m != 'autodiff'), [], []
    while pending or running:
        while pending and len(running) < 4:
            m = pending.pop()
            code = _ALONE.format(root=ROOT, module=m)
            running.append((m, subprocess.Popen([sys.executable, '-c', code], env=env,
                                                stdout=subprocess.DEVNULL,
                                                stderr=subprocess.PIPE, text=True)))
        m, p = running.pop(0)
        _, err = p.communicate(timeout=300)
        if p.returncode != 0:
            failed.append((m, err[-1500:]))
    assert not failed, failed


def test_import_autodiff_leaves_numba_networkx_scipy_and_gluon_for_later():
    """Start-up: Numba (~0.4 s, with llvmlite, yaml and scipy), the graph view's networkx
    (~130 ms), graphviz and Gluon load when first used, not at ``import autodiff``."""
    heavy = ('numba', 'llvmlite', 'scipy', 'yaml', 'networkx', 'graphviz', 'numpy.random',
             'autodiff.gluon')
    out = subprocess.run([sys.executable, '-c', 'import sys, autodiff; print(sorted(m for m in '
                          f'{heavy!r} if m in sys.modules))'],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == '[]'


def test_the_first_op_imports_numba_and_the_graph_still_waits_for_networkx():
    """The check above is not vacuous: an op loads Numba; recording and backward do not
    need networkx (the graph view builds it when asked)."""
    code = ('import sys\nfrom autodiff import np, autograd\nx = np.array([1.0, 2.0])\n'
            'x.attach_grad()\nwith autograd.record():\n    y = (x * x).sum()\ny.backward()\n'
            'print("numba" in sys.modules, "networkx" in sys.modules, x.grad.tolist())')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[:2] == ['True', 'False'] and out[2:] == ['[2.0,', '4.0]']
