"""Rendering through the real Graphviz programs: system dot and graphviz-pure."""

import os
import sys
import time
import xml.etree.ElementTree as ET

import pytest

import viz
from viz import engine

PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
PROGRAMS = [pytest.param(name, marks=pytest.mark.skipif(
    engine._which(name) is None, reason=f'{name} is not installed'))
    for name in engine.CANDIDATES]


def svg_texts(svg):
    """All text of an SVG document (parsing it as XML on the way)."""
    root = ET.fromstring(svg)
    return [t.text for t in root.iter('{http://www.w3.org/2000/svg}text') if t.text]


def first_label_lines(graph):
    return {str(d.get('label') or d.get('op')) for _, d in graph.nodes(data=True)}


@pytest.mark.parametrize('program', PROGRAMS)
def test_svg_is_xml_with_every_label(program, small_graph, tmp_path):
    path = viz.render(small_graph, tmp_path / 'g.svg', program=program, show_grads=True)
    assert path == os.fspath(tmp_path / 'g.svg')
    texts = svg_texts((tmp_path / 'g.svg').read_bytes())
    for label in first_label_lines(small_graph):
        assert label in texts
    assert 'legend' in texts and 'operation' in texts


@pytest.mark.parametrize('program', PROGRAMS)
def test_png_bytes(program, y_2xx, tmp_path):
    path = viz.render(y_2xx, tmp_path / 'g.png', program=program)
    data = open(path, 'rb').read()
    assert data.startswith(PNG_MAGIC) and len(data) > 1000


@pytest.mark.parametrize('program', PROGRAMS)
def test_nan_colour_reaches_the_svg(program, nan_graph):
    svg = viz.draw(nan_graph, program=program).pipe('svg', encoding='utf-8')
    root = ET.fromstring(svg)
    ns = '{http://www.w3.org/2000/svg}'
    births = [g for g in root.iter(ns + 'g') if g.get('class') == 'node'
              and any(e.get('fill') == viz.styles.NONFINITE_BIRTH['fillcolor']
                      for e in g.iter(ns + 'ellipse'))]
    assert len(births) == 1
    assert [t.text for t in births[0].iter(ns + 'text')][0] == 'log'


def test_env_var_forces_the_program(y_2xx, monkeypatch):
    if engine._which('graphviz-pure') is None:
        pytest.skip('graphviz-pure is not installed')
    monkeypatch.setenv(engine.ENV_VAR, 'graphviz-pure')
    assert os.path.basename(engine.find_program()) == 'graphviz-pure'
    svg = viz.draw(y_2xx).pipe('svg', encoding='utf-8')
    assert 'graphviz-pure' in svg          # its version comment
    monkeypatch.setenv(engine.ENV_VAR, 'no-such-dot-program')
    with pytest.raises(viz.EngineNotFoundError, match='no-such-dot-program'):
        viz.draw(y_2xx).pipe('svg')


def test_dot_format_needs_no_program(y_2xx, tmp_path, monkeypatch):
    monkeypatch.setattr(engine, '_which', lambda name: None)
    path = viz.render(y_2xx, tmp_path / 'g.dot')
    text = open(path).read()
    assert text.startswith('digraph') and 'multiply' in text
    assert viz.render(y_2xx, tmp_path / 'x.gv') and (tmp_path / 'x.gv').read_text() == text


def test_clear_error_when_no_program(y_2xx, tmp_path, monkeypatch):
    monkeypatch.delenv(engine.ENV_VAR, raising=False)
    monkeypatch.setattr(engine, '_which', lambda name: None)
    with pytest.raises(viz.EngineNotFoundError) as info:
        viz.render(y_2xx, tmp_path / 'g.svg')
    assert 'apt-get install graphviz' in str(info.value)
    assert 'pip install graphviz-pure' in str(info.value)


def test_falls_back_to_graphviz_pure_when_dot_is_missing(y_2xx, monkeypatch):
    real = engine._which
    if real('graphviz-pure') is None:
        pytest.skip('graphviz-pure is not installed')
    monkeypatch.delenv(engine.ENV_VAR, raising=False)
    monkeypatch.setattr(engine, '_which', lambda name: None if name == 'dot' else real(name))
    assert os.path.basename(engine.find_program()) == 'graphviz-pure'
    assert viz.draw(y_2xx).pipe('png').startswith(PNG_MAGIC)


def test_graphviz_pure_is_found_beside_the_interpreter(monkeypatch):
    if not os.path.exists(os.path.join(os.path.dirname(sys.executable), 'graphviz-pure')):
        pytest.skip('graphviz-pure is not installed next to this Python')
    monkeypatch.setenv('PATH', '/nonexistent')
    assert engine._which('graphviz-pure') is not None


def test_program_failure_and_timeout_are_errors(tmp_path):
    fake = tmp_path / 'fakedot'
    fake.write_text('#!/bin/sh\necho "syntax error in line 1" >&2\nexit 1\n')
    fake.chmod(0o755)
    with pytest.raises(viz.RenderError, match='syntax error'):
        engine.run('digraph {}', 'svg', program=str(fake))
    slow = tmp_path / 'slowdot'
    slow.write_text('#!/bin/sh\nexec sleep 30\n')
    slow.chmod(0o755)
    start = time.monotonic()
    with pytest.raises(viz.RenderError, match='did not finish'):
        engine.run('digraph {}', 'svg', program=str(slow), timeout=0.5)
    assert time.monotonic() - start < 20


def test_10000_op_chain_renders_to_svg(chain, tmp_path):
    g = chain(10000)
    start = time.monotonic()
    viz.render(g, tmp_path / 'big.svg')
    assert time.monotonic() - start < 60
    texts = svg_texts((tmp_path / 'big.svg').read_bytes())
    assert 'multiply \u00d710000' in texts
    assert '20001 nodes collapsed to 2 (level 1)' in texts


def test_10000_op_tree_renders_to_svg(tree, tmp_path):
    start = time.monotonic()
    viz.render(tree(5000), tmp_path / 'tree.svg')   # 9999 nodes, no chains
    assert time.monotonic() - start < 60
    texts = svg_texts((tmp_path / 'tree.svg').read_bytes())
    assert any(t.endswith('(level 3)') for t in texts)


def test_jupyter_display_goes_through_the_chosen_program(y_2xx, monkeypatch):
    calls = []
    real_run = engine.run
    monkeypatch.setattr(engine, 'run', lambda *a, **k: calls.append(k) or real_run(*a, **k))
    fig = viz.draw(y_2xx, program='graphviz-pure' if engine._which('graphviz-pure') else None)
    bundle = fig._repr_mimebundle_()
    assert list(bundle) == ['image/svg+xml']
    assert 'multiply' in svg_texts(bundle['image/svg+xml'].encode())
    assert calls and calls[0]['program'] == fig.program
    IPython = pytest.importorskip('IPython.core.formatters')
    data, _ = IPython.DisplayFormatter().format(fig)
    assert '<svg' in data['image/svg+xml']


def test_figure_render_copy_and_subgraph_keep_the_program(y_2xx, tmp_path):
    fig = viz.draw(y_2xx, program='dot' if engine._which('dot') else None)
    assert isinstance(fig, viz.GraphFigure) and fig.copy().program == fig.program
    assert fig.copy().source == fig.source
    with fig.subgraph(name='cluster_extra') as sub:
        assert sub.program == fig.program
    out = fig.render(tmp_path / 'fig', format='png')
    assert out == os.fspath(tmp_path / 'fig') + '.png'
    assert open(out, 'rb').read().startswith(PNG_MAGIC)
    assert (tmp_path / 'fig').read_text() == fig.source
    out = fig.render(outfile=tmp_path / 'other.svg', cleanup=True)
    assert out.endswith('other.svg') and not (tmp_path / 'other.gv').exists()
    assert 'multiply' in svg_texts(open(out, 'rb').read())
