"""Generated source on disk, reused by a second process; the compiled program as a graph."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as onp
import pytest
from helpers.seed_examples import seed_f

from autodiff import np, autograd
from .helpers import marked

ROOT = Path(__file__).resolve().parents[2]

_CHILD = r"""
import json, sys
import numpy as onp
from autodiff import np, autograd
f = autograd.compile(lambda b: (np.tanh(b * 0.5 + 0.1) * b).sum())
b = np.array(onp.linspace(-2, 2, 12).astype(onp.float32).reshape(3, 4))
b.attach_grad()
f(b)                   # records, writes or finds the source, compiles or loads the kernel
v = f(b)
sts = [k.stats for k in f.kernels]
print(json.dumps({"compiled": f.compiled, "path": f.source_path, "kernels": len(sts),
                  "hits": sum(sum(st.cache_hits.values()) for st in sts),
                  "misses": sum(sum(st.cache_misses.values()) for st in sts),
                  "loss": float(v.asnumpy()), "grad": b.grad.asnumpy().tolist()}))
"""


def _child(cache_dir):
    env = dict(os.environ, AUTODIFF_COMPILE_DIR=str(cache_dir), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, '-c', _CHILD], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_reuses_the_generated_file_and_compiled_kernel(tmp_path):
    first = _child(tmp_path)
    assert first["compiled"]
    path = Path(first["path"])
    assert path.parent == tmp_path and path.suffix == '.py' and path.exists()
    assert 'def k0(' in path.read_text() and first["kernels"] == 1    # one fused loop
    assert first["misses"] == 1 and first["hits"] == 0       # compiled in the first process
    assert any(p.suffix == '.nbi' for p in (tmp_path / '__pycache__').iterdir())
    mtime = path.stat().st_mtime_ns
    second = _child(tmp_path)
    assert second["compiled"] and second["path"] == first["path"]
    assert second["hits"] == 1 and second["misses"] == 0     # loaded, not compiled again
    assert path.stat().st_mtime_ns == mtime                   # the file was not rewritten
    b = onp.linspace(-2, 2, 12).astype(onp.float64).reshape(3, 4)
    t = onp.tanh(b * 0.5 + 0.1)
    for r in (first, second):
        onp.testing.assert_allclose(r["loss"], (t * b).sum(), rtol=1e-5)
        onp.testing.assert_allclose(r["grad"], t + b * 0.5 * (1 - t * t), rtol=1e-5, atol=1e-6)


def test_graph_marks_the_fused_ops():
    cf = autograd.compile(lambda x, y: (np.exp(x * 2.0) * y).sum())
    x, y = marked(onp.ones(3)), marked(onp.ones(3) * 2)
    cf(x, y)
    G = cf.graph()
    ops = {n: d['op'] for n, d in G.nodes(data=True) if d['kind'] == 'op'}
    assert sorted(ops.values()) == ['exp', 'multiply', 'multiply', 'sum']
    fused = {n for n, d in G.nodes(data=True) if 'fused_group' in d}
    assert fused == set(ops)                  # every op, the final sum included
    assert G.graph['fused_groups'] == [sorted(fused, key=list(G).index)]
    assert G.graph['fallback_reason'] is None
    assert all('fused_group' not in d for n, d in G.nodes(data=True) if d['kind'] != 'op')


def test_graph_is_the_recording_calls_even_when_asked_for_after_the_inputs_changed():
    # (the graph is made when first asked for, from what the recording call read)
    cf = autograd.compile(lambda x, y: (np.exp(x * 2.0) * y).sum())
    x, y = marked([0.5, 1.0, 1.5]), marked([2.0, 2.0, 2.0])
    cf(x, y)
    x[...] = -1.0
    y.grad[...] = 5.0
    G = cf.graph()
    values = sorted(d['value'].tolist() for _, d in G.nodes(data=True) if d['kind'] == 'variable')
    assert values == [[0.5, 1.0, 1.5], [2.0, 2.0, 2.0]]
    (head,) = G.graph['heads']
    onp.testing.assert_allclose(G.nodes[head]['value'], (onp.exp([1.0, 2.0, 3.0]) * 2).sum(),
                                rtol=1e-6)


_NO_NETWORKX = r"""
import sys
import numpy as onp
from autodiff import np, autograd
f = autograd.compile(lambda b: (np.tanh(b) * b).sum())
b = np.array(onp.linspace(-1, 1, 5)); b.attach_grad()
f(b); f(b)
assert 'networkx' not in sys.modules, "a compiled call imported networkx"
assert f.graph().number_of_nodes() > 0 and 'networkx' in sys.modules
"""


def test_a_compiled_call_imports_networkx_only_when_its_graph_is_asked_for(tmp_path):
    env = dict(os.environ, AUTODIFF_COMPILE_DIR=str(tmp_path), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, '-c', _NO_NETWORKX], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_graph_of_a_fallback_has_no_fused_group():
    cf = autograd.compile(lambda x: np.prod(x, axis=0).sum())
    cf(marked(onp.ones((2, 2))))
    G = cf.graph()
    assert G.graph['fused_groups'] == [] and 'prod' in G.graph['fallback_reason']
    assert all('fused_group' not in d for _, d in G.nodes(data=True))


def test_viz_draws_the_compiled_program():
    import viz
    cf = autograd.compile(lambda x: (np.tanh(x * 0.5) * x).sum())
    cf(marked(onp.linspace(-1, 1, 4)))
    G = cf.graph()
    viz.check_graph(G)                       # the graph contract viz reads
    src = viz.draw(G).source
    assert 'tanh' in src and 'multiply' in src and 'sum' in src
    assert 'tanh' in viz.to_text(G)


def test_benchmark_entries_match_the_float64_reference():
    from benchmarks import check
    from benchmarks.workloads import w1_chain, w2_elementwise, w3_mlp
    for w in (w1_chain, w2_elementwise, w3_mlp):
        data = w.make_data()
        step = w.IMPLS['autodiff.compile'](data)
        step()                                         # the recording call
        result = check.compare(step(), w.reference(data))  # the fused kernel
        assert result and check.all_ok(result), check.describe('autodiff.compile', 'ref', result)


def test_viz_draws_fused_ops_in_one_cluster():
    import re
    import viz

    @autograd.compile
    def f(x):
        return (np.tanh(x * 0.5 + 0.1) * x).sum()
    x = np.array([1., 2., 3.])
    x.attach_grad()
    f(x)
    f(x)
    assert f.compiled
    graph = f.graph()
    source = viz.draw(graph, legend=False).source
    cluster = re.search(r'subgraph cluster_fused_0 \{(.*?)\n\t\}', source, re.S)
    assert cluster, source
    body = cluster.group(1)
    for op in ('multiply', 'add', 'tanh', 'sum'):
        assert op in body
    (name,) = [d['label'] for _, d in graph.nodes(data=True) if d['kind'] == 'variable']
    node = f'label="{name}\\n'                  # the input's node: its label's first line
    assert node not in body and node in source        # the input stays outside


def test_graph_of_the_mlp_step_marks_loops_and_blas_calls():
    from autodiff import npx

    @autograd.compile
    def f(x, w1, b1, w2):
        return npx.log_softmax(npx.relu(x @ w1 + b1) @ w2, axis=-1).sum()
    rng = onp.random.default_rng(4)
    args = [marked(rng.uniform(-1, 1, s)) for s in [(4, 5), (5, 6), (6,), (6, 3)]]
    f(*args)
    G = f.graph()
    steps = {d['op']: d.get('compiled_step') for _, d in G.nodes(data=True) if d['kind'] == 'op'}
    assert steps['matmul'] == 'blas'
    assert steps['add'] == steps['relu'] == steps['log_softmax'] == 'loop'
    groups = G.graph['fused_groups']
    # the bias add and the relu share one loop (the matmul's epilogue)
    add = next(n for n, d in G.nodes(data=True) if d.get('op') == 'add')
    relu = next(n for n, d in G.nodes(data=True) if d.get('op') == 'relu')
    assert G.nodes[add]['fused_group'] == G.nodes[relu]['fused_group']
    assert len(groups) >= 2 and all(groups)
    import viz
    source = viz.draw(G, legend=False).source
    assert 'cluster_fused_0' in source and 'cluster_fused_1' in source


def test_program_graph_draws_forward_and_backward_with_loops_and_gradients():
    from autodiff import npx
    import viz

    @autograd.compile
    def f(x, w1, b1, w2):
        return npx.log_softmax(npx.relu(x @ w1 + b1) @ w2, axis=-1).sum()
    rng = onp.random.default_rng(4)
    x = np.array(rng.uniform(-1, 1, (4, 5)), dtype='float32')   # no gradient asked for x
    ws = [marked(rng.uniform(-1, 1, s)) for s in [(5, 6), (6,), (6, 3)]]
    f(x, *ws)
    G = f.program_graph()
    viz.check_graph(G)
    data = dict(G.nodes(data=True))
    names = {d.get('name') for d in data.values()}
    assert {'arg1.grad', 'arg2.grad', 'arg3.grad'} <= names           # what the program writes
    assert len(G.graph['heads']) == 4                                  # the loss + 3 gradients
    blas = [d['op'] for d in data.values() if d.get('compiled_step') == 'blas']
    assert sorted(blas) == ['bwd matmul'] * 3 + ['matmul'] * 2
    assert any(d.get('op', '').startswith('bwd ') for d in data.values())
    variables = {d['label']: d for d in data.values() if d['kind'] == 'variable'}
    assert variables['arg 0']['grad_req'] == 'null' and variables['arg 1']['grad_req'] == 'write'
    loops = {d['fused_group'] for d in data.values() if 'fused_group' in d}
    assert loops == set(range(len(G.graph['fused_groups']))) and len(loops) >= 3
    source = viz.draw(G, legend=False).source
    assert all(f'cluster_fused_{k}' in source for k in loops)


def test_program_graph_shows_the_guards_of_a_path():
    import viz
    cf = autograd.compile(seed_f)
    cf(marked([0.3, 0.4]))
    G = cf.program_graph()
    viz.check_graph(G)
    guards = [d for d in dict(G.nodes(data=True)).values() if d.get('op') == 'guard']
    # the loop ran while the sum was < 1000 (several True checks, then one False), then if
    assert len(guards) >= 3 and guards[-1]['label'] == 'guard: True'


def test_program_graph_of_a_fallback_says_why():
    from autodiff.errors import GraphError
    cf = autograd.compile(lambda x: np.prod(x, axis=0).sum())
    cf(marked(onp.ones((2, 2))))
    with pytest.raises(GraphError, match='prod'):
        cf.program_graph()
