"""The README's Python examples run, and print what the README says they print."""
import contextlib
import io
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks():
    text = open(os.path.join(ROOT, 'README.md')).read()
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_readme_examples_run_and_match_their_comments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    blocks = _blocks()
    assert len(blocks) >= 3
    for code in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, 'README.md', 'exec'), namespace)
        # the commented lines after print(viz.to_text(z)) are its exact output
        if 'print(viz.to_text(z))' in code:
            expected = [line.split('# ', 1)[1] for line in code.splitlines()
                        if re.match(r'#\s?%|# return', line.strip())]
            assert out.getvalue().splitlines() == expected
    np = namespace['np']
    assert np.array_equal(namespace['x'].grad, [3., 12.])       # the Cube example
    assert (tmp_path / 'z.svg').read_text().lstrip().startswith(('<?xml', '<svg'))
