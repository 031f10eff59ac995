"""``python -m autodiff.coverage``: the report partitions MXNet 1.9.1's names correctly."""
import subprocess
import sys

import pytest

from autodiff import coverage


@pytest.fixture(scope='module')
def rows():
    return coverage.report()


def test_every_namespace_of_the_reference_has_a_target(rows):
    assert set(rows) == set(coverage.TARGETS)


def test_each_name_is_in_exactly_one_column(rows):
    ref = coverage.reference_names()
    for ns, row in rows.items():
        cols = row['implemented'] + row['missing'] + list(row['left_out'])
        assert sorted(cols) == sorted(ref[ns]), ns


def test_implemented_names_exist_and_missing_ones_do_not(rows):
    # an independent lookup of the autodiff object by attribute access from the package
    import autodiff
    holders = {'np': autodiff.np, 'npx': autodiff.npx, 'ndarray': autodiff.ndarray,
               'np.random': autodiff.np.random}
    for ns, holder in holders.items():
        for name in rows[ns]['implemented']:
            assert hasattr(holder, name), (ns, name)
        for name in rows[ns]['missing']:
            assert not hasattr(holder, name), (ns, name)


def test_left_out_names_are_real_mxnet_names_with_reasons():
    ref = coverage.reference_names()
    for (ns, name), reason in coverage.LEFT_OUT.items():
        assert name in ref[ns], f"{ns}.{name} is not in MXNet 1.9.1's list (stale entry)"
        assert len(reason) > 20


def test_percent_leaves_left_out_names_aside():
    row = {'implemented': ['a', 'b', 'c'], 'missing': ['d'], 'left_out': {'e': 'why'}}
    assert coverage.percent(row) == 75.0


def test_the_command_prints_one_line_per_namespace():
    out = subprocess.run([sys.executable, '-m', 'autodiff.coverage', '--missing'],
                         capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[0] == 'namespace'
    starts = [line.split()[0] for line in lines[1:1 + len(coverage.TARGETS)]]
    assert starts == list(coverage.reference_names())
