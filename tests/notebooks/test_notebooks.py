"""The notebooks in ``notebooks/`` run on a fresh kernel and say what the page says.

All notebooks are executed once per test session by ``notebooks/run_all.py`` (the
command the README gives), each on a fresh kernel of this interpreter; the tests
then read what it wrote.  The tutorial's printed outputs are compared with the
seed page (``tests/data/seed_autograd_page.md``), except the two cells that print
random draws (17 and 23: ``tests/test_seed_page.py`` checks those by relation).
"""
import importlib.util
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / 'notebooks'
PAGE = ROOT / 'tests' / 'data' / 'seed_autograd_page.md'
EXPECTED = ['01_autograd_tutorial', '02_graph_inspection', '03_kernels', '04_gluon']
RANDOM_CELLS = {'17', '23'}
_CELL = re.compile(r'```\{\.(python \.input|json \.output)\s+n=(\d+)\}\n(.*?)```', re.S)


def _load_runner():
    spec = importlib.util.spec_from_file_location('notebooks_run_all', NOTEBOOKS / 'run_all.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_all = _load_runner()


@pytest.fixture(scope='module')
def ran(tmp_path_factory):
    """Run every notebook once, as ``python notebooks/run_all.py OUT`` does."""
    out = tmp_path_factory.mktemp('notebooks_out')
    lines = []
    results = run_all.run_all(out, echo=lines.append)
    return out, results, lines


def _page_cells():
    """``{n: (source, stdout, repr or None)}`` for the page's code cells, ``mxnet`` -> ``autodiff``."""
    cells, outputs = {}, {}
    text = PAGE.read_text()
    for kind, n, body in _CELL.findall(text):
        if kind.startswith('python'):
            cells[n] = body.replace('mxnet', 'autodiff').rstrip()
        else:
            stream, value = '', None
            for item in json.loads(body):
                if item['output_type'] == 'stream':
                    stream += item['text']
                else:
                    value = item['data']['text/plain']
            outputs[n] = (stream, value)
    return {n: (src,) + outputs.get(n, ('', None)) for n, src in cells.items()}


def _printed(cell):
    """``(stdout, text/plain of the execute_result or None)`` of an executed code cell."""
    stream = ''.join(o['text'] for o in cell.outputs
                     if o['output_type'] == 'stream' and o['name'] == 'stdout')
    values = [o['data'].get('text/plain') for o in cell.outputs
              if o['output_type'] == 'execute_result']
    return stream, (values[0] if values else None)


def _executed(ran, stem):
    return nbformat.read(str(ran[0] / f'{stem}.ipynb'), as_version=4)


def test_all_notebooks_found():
    assert [p.stem for p in run_all.notebook_paths()] == EXPECTED


@pytest.mark.parametrize('stem', EXPECTED)
def test_notebook_runs_on_a_fresh_kernel(ran, stem):
    _, results, lines = ran
    written, err = results[stem]
    assert err is None, f'{stem} raised:\n{err}'
    errors = [o for c in _executed(ran, stem).cells if c.cell_type == 'code'
              for o in c.outputs if o['output_type'] == 'error']
    assert not errors
    assert any(line.startswith(f'{stem}.ipynb: ok') for line in lines)


def test_tutorial_has_every_page_cell_in_order():
    nb = nbformat.read(str(NOTEBOOKS / '01_autograd_tutorial.ipynb'), as_version=4)
    page = _page_cells()
    seen = [(c.metadata['seed_cell'], c.source) for c in nb.cells
            if c.cell_type == 'code' and 'seed_cell' in c.metadata]
    assert [n for n, _ in seen] == list(page)
    for n, source in seen:
        assert source == page[n][0], f'cell {n} differs from the page'


def test_tutorial_prints_what_the_page_prints(ran):
    page = _page_cells()
    nb = _executed(ran, '01_autograd_tutorial')
    checked = 0
    for cell in nb.cells:
        n = cell.metadata.get('seed_cell')
        if cell.cell_type != 'code' or n is None or n in RANDOM_CELLS:
            continue
        _, stdout, value = page[n]
        assert _printed(cell) == (stdout, value), f'page cell {n}'
        checked += 1
    assert checked == len(page) - len(RANDOM_CELLS)


def test_tutorial_random_cells_print_the_page_layout(ran):
    """Cells 17 and 23 print random arrays: same number of arrays and lines as the page."""
    page = _page_cells()
    nb = _executed(ran, '01_autograd_tutorial')
    for cell in nb.cells:
        n = cell.metadata.get('seed_cell')
        if n in RANDOM_CELLS:
            stdout, _ = _printed(cell)
            want = page[n][1]
            assert stdout.count('[[') == want.count('[[') and stdout.count('\n') == want.count('\n')
            # the deterministic arrays among them (cell 17: gradients of 2x) match exactly
            if n == '17':
                assert stdout.split('\n')[:4] == want.split('\n')[:4]


def test_tutorial_added_cells_state_the_truth(ran):
    """The cells added to explain the page print what the mathematics says."""
    nb = _executed(ran, '01_autograd_tutorial')
    added = ''.join(_printed(c)[0] for c in nb.cells
                    if c.cell_type == 'code' and 'seed_cell' not in c.metadata)
    expected = [
        # the page's custom backward returns its saved inputs, not the gradient
        'x.grad equals x:        True', 'x.grad equals 2 + 2y:   False',
        'y.grad equals y:        True', 'y.grad equals 2x + 2:   False',
        # the chain-rule backward gives d(2x + 2xy + 2y)/dx = 2 + 2y, d/dy = 2x + 2
        'x.grad equals 2 + 2y:   True', 'y.grad equals 2x + 2:   True',
        'y is x.grad:         True', 'x.grad equals 4x:    True',
        'True True\nTrue True',
    ]
    for line in expected:
        assert line in added


def test_tutorial_draws_each_recorded_graph(ran):
    nb = _executed(ran, '01_autograd_tutorial')
    svgs = [o for c in nb.cells if c.cell_type == 'code' for o in c.outputs
            if 'image/svg+xml' in o.get('data', {})]
    # 2*x*x, custom Function, two record scopes, while loop, concatenate, detach, two heads
    assert len(svgs) == 7


def test_runner_writes_pictures_that_parse(ran):
    out, _, lines = ran
    svgs = sorted(out.glob('*/*.svg'))
    assert {p.parent.name for p in svgs} == {'01_autograd_tutorial', '02_graph_inspection', '04_gluon'}
    for path in svgs:
        root = ET.parse(path).getroot()
        assert root.tag.endswith('svg'), path
        assert any(el.tag.endswith('}g') for el in root.iter()), f'{path} draws nothing'
        assert f'  wrote {path}' in lines
    pngs = sorted(out.glob('03_kernels/*.png'))
    assert len(pngs) == 1 and pngs[0].read_bytes().startswith(b'\x89PNG\r\n\x1a\n')
    for stem in EXPECTED:
        assert (out / f'{stem}.ipynb').is_file()


def test_stored_notebooks_carry_their_outputs():
    """The committed notebooks were executed and saved (they read well on a code host)."""
    for stem in EXPECTED:
        nb = nbformat.read(str(NOTEBOOKS / f'{stem}.ipynb'), as_version=4)
        code = [c for c in nb.cells if c.cell_type == 'code']
        assert code and all(c.execution_count is not None for c in code), stem
        assert not any(o['output_type'] == 'error' for c in code for o in c.outputs), stem
        assert sum(bool(c.outputs) for c in code) >= len(code) // 2, stem


def test_kernel_is_this_interpreter(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'import sys, autodiff\nprint(sys.executable)\nprint(autodiff.__file__)')])
    path = tmp_path / 'which.ipynb'
    nbformat.write(nb, str(path))
    executed, err = run_all.execute(path)
    assert err is None
    exe, module = _printed(executed.cells[0])[0].splitlines()
    assert pathlib.Path(exe).resolve() == pathlib.Path(sys.executable).resolve()
    assert pathlib.Path(module).resolve() == (ROOT / 'autodiff' / '__init__.py').resolve()


def test_runner_fails_on_a_cell_that_raises(tmp_path, capsys):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print("before")'),
                                         nbformat.v4.new_code_cell('1 / 0')])
    path = tmp_path / '99_broken.ipynb'
    nbformat.write(nb, str(path))
    assert run_all.main([str(tmp_path / 'out'), str(path)]) == 1
    captured = capsys.readouterr()
    assert '99_broken.ipynb: FAILED' in captured.out and 'ZeroDivisionError' in captured.out
    kept = nbformat.read(str(tmp_path / 'out' / '99_broken.ipynb'), as_version=4)
    assert kept.cells[1].outputs[0]['ename'] == 'ZeroDivisionError'


def test_kernels_notebook_plots_without_torch(tmp_path, monkeypatch):
    """A benchmark run without PyTorch: the plot leaves out only the torch bars."""
    bench = json.loads((NOTEBOOKS / 'data' / 'bench.json').read_text())
    for w in bench['workloads']:
        w['rows'] = [r for r in w['rows'] if r['impl'] != 'torch']
        w['targets'] = []
    bench['meta']['libraries'].pop('torch', None)
    path = tmp_path / 'bench_no_torch.json'
    path.write_text(json.dumps(bench))
    monkeypatch.setenv('AUTODIFF_BENCH_JSON', str(path))
    executed, err = run_all.execute(NOTEBOOKS / '03_kernels.ipynb')
    assert err is None, str(err)
    text = ''.join(_printed(c)[0] for c in executed.cells if c.cell_type == 'code')
    assert 'torch: not in this benchmark run' in text
    assert 'autodiff: not in' not in text
    assert any('image/png' in o.get('data', {}) for c in executed.cells
               if c.cell_type == 'code' for o in c.outputs)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == 'code']


def test_gluon_notebook_trains_the_cnn(ran):
    """Notebook 04: the digits CNN learns (test accuracy well above chance), with a progress bar."""
    cells = _code_cells(_executed(ran, '04_gluon'))
    text = ''.join(_printed(c)[0] for c in cells)
    assert '1500 training images in 24 batches of 64; 297 test images; image shape (1, 8, 8)' in text
    final = re.search(r'final: train loss ([\d.]+), train accuracy ([\d.]+), test accuracy ([\d.]+)', text)
    assert final and float(final.group(1)) < 0.5 and float(final.group(3)) > 0.85
    bars = ''.join(o['text'] for c in cells for o in c.outputs
                   if o['output_type'] == 'stream' and o['name'] == 'stderr')
    assert 'epochs: 100%' in bars and '10/10' in bars
    # the summary counts the parameters: 16*9+16, 32*16*9+32, 128*64+64, 64*10+10
    assert 'Total params: 13706' in text


def test_gluon_notebook_draws_the_network_per_block(ran):
    """depth=1: one collapsed box per layer, with its parameter count; depth=2: the ops inside."""
    out = ran[0] / '04_gluon'
    svgs = sorted(out.glob('*.svg'))
    assert len(svgs) == 2
    depth1, depth2 = (p.read_text() for p in svgs)
    for label in ('conv0 : Conv2D', 'pool0 : MaxPool2D', 'dense1 : Dense',
                  'hybridsequential0 : HybridSequential'):
        assert label in depth1 and label in depth2
    for count in ('160 params', '4,640 params', '8,256 params', '650 params'):
        assert count in depth1
    assert '>convolution</text>' not in depth1 and '>convolution</text>' in depth2
    assert len(sorted(out.glob('*.png'))) == 3   # digits, loss/accuracy, guesses


def test_gluon_notebook_times_both_modes(ran):
    cells = _code_cells(_executed(ran, '04_gluon'))
    text = _printed(cells[-1])[0]
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert {'eager', 'hybridized', 'eager/hybr.'} <= set(rows)
    for mode in ('eager', 'hybridized'):
        assert re.fullmatch(r'\S+\s+[\d.]+ ms\s+[\d.]+ ms', rows[mode].strip())
