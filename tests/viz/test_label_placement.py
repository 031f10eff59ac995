"""Today's small flaws, checked in the rendered SVG: overlapping edge labels, gradient
lines wider than their box, labels on a frame's title, small graphs folded by default."""
import re

import networkx as nx
import numpy as np
import pytest

import viz
from viz import engine
from viz.labels import LINE_WIDTH, wrap
from viz.picture import COLLAPSE_ABOVE
from tests.viz.conftest import build_chain, build_custom, op, set_heads, var
from tests.viz.svg import NS, node_texts, parse


PROGRAMS = [pytest.param(name, marks=pytest.mark.skipif(
    engine._which(name) is None, reason=f'{name} is not installed'))
    for name in engine.CANDIDATES]


def edge_texts(root):
    out = {}
    for g in root.iter(f'{NS}g'):
        if g.get('class') == 'edge':
            out[g.get('id')] = [(t.text, float(t.get('x')), float(t.get('y')))
                                for t in g.iter(f'{NS}text')]
    return out


@pytest.mark.parametrize('program', PROGRAMS)
def test_multi_output_edge_has_one_label_per_edge(program):
    root = parse(viz.draw(build_custom(), legend=False, program=program).pipe('svg'))
    texts = [t for labels in edge_texts(root).values() for t, _, _ in labels]
    assert '[0]\u21920, [1]\u21921' in texts and '[2]\u21921' in texts
    assert '0,1' not in texts and '[0],[1]' not in texts
    # no edge carries two labels any more
    assert all(len(labels) <= 1 for labels in edge_texts(root).values())


def test_long_gradient_lines_wrap_inside_the_box():
    g = nx.DiGraph()
    grad = np.array([[-0.1125, -1.286], [1.126, -0.1061], [0.7128, 1.06]], np.float32)
    var(g, 'w', 'w', (3, 2), grad=grad)
    op(g, 'op0', 'sum', ['w'], ())
    set_heads(g, 'op0')
    root = parse(viz.draw(g, show_grads=True, legend=False).pipe('svg'))
    lines = next(t for t in node_texts(root).values() if t[0] == 'w')
    grad_lines = lines[2:]
    assert len(grad_lines) == 2 and all(len(line) <= LINE_WIDTH for line in grad_lines)
    assert ' '.join(grad_lines) == 'grad: [[-0.1125, -1.286], [1.126, -0.1061], [0.7128, 1.06]]'


def test_wrap_keeps_shapes_whole():
    text = 'grad: (4, 2) norm=1.614 min=-0.7689 max=0.7551'
    assert wrap(text) == ['grad: (4, 2) norm=1.614 min=-0.7689', 'max=0.7551']
    assert wrap('grad: [1, 2]') == ['grad: [1, 2]']


def box(el):
    numbers = [float(v) for v in re.findall(r'-?\d+\.?\d*', el.get('d') or el.get('points'))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize('program', PROGRAMS)
def test_argument_labels_stay_off_a_frame_title(program):
    g = nx.DiGraph()
    var(g, 'a', 'a', (2,))
    var(g, 'b', 'b', (2,))
    op(g, 'mm', 'matmul', ['a', 'b'], (2,))
    var(g, 'c', 'c', (2,))
    op(g, 'add', 'add', ['mm', 'c'], (2,), fused_group=0)
    op(g, 'relu', 'relu', ['add'], (2,), fused_group=0)
    set_heads(g, 'relu')
    src = viz.draw(g, legend=False, program=program)
    root = parse(src.pipe('svg'))
    (frame,) = [c for c in root.iter(f'{NS}g') if c.get('class') == 'cluster']
    shape = next(e for e in frame if e.tag in (f'{NS}path', f'{NS}polygon'))
    x0, y0, x1, y1 = box(shape)
    title = next(t for t in frame.iter(f'{NS}text'))
    assert title.text == 'fused loop 0'
    labels = [lab for labels in edge_texts(root).values() for lab in labels]
    assert sorted(t for t, _, _ in labels) == ['0', '0', '1', '1']
    for text, x, y in labels:       # none inside the frame (where its title is)
        assert not (x0 <= x <= x1 and y0 <= y <= y1), (text, x, y, (x0, y0, x1, y1))


def test_small_graphs_are_drawn_whole_by_default():
    small = build_chain(10)                    # 22 nodes: x, 10 ops, 10 constants ... + head
    assert small.number_of_nodes() <= COLLAPSE_ABOVE
    texts = node_texts(parse(viz.draw(small, legend=False).pipe('svg')))
    assert sum(1 for t in texts.values() if t[0] == 'multiply') == 10
    big = build_chain(40)
    assert big.number_of_nodes() > COLLAPSE_ABOVE
    texts = node_texts(parse(viz.draw(big, legend=False).pipe('svg')))
    assert ['multiply \u00d740'] in [t[:1] for t in texts.values()]
    forced = node_texts(parse(viz.draw(small, legend=False, collapse=True).pipe('svg')))
    assert ['multiply \u00d710'] in [t[:1] for t in forced.values()]
