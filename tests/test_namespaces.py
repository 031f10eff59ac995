"""The public namespaces show MXNet 1.9.1's names plus a documented list of extras, no leaks.

``dir(autodiff.np)`` (and ``np.random``, ``npx``, ``autograd``, ``image``, ``io``) must list
only names that MXNet 1.9.1 has in that namespace (``autodiff/data/mxnet_1_9_1_names.json``;
for ``autograd``, the list below) or that are in ``EXTRAS`` with the reason they exist.  Helper
imports (``off_tape``, ``state``, ``wrap``, ``ndarray`` in ``autograd``...) must not show.
Any name MXNet has is accepted, so branches adding MXNet names need not touch this file.
"""
import numpy as onp
import pytest

import autodiff
from autodiff import np, npx, autograd
from autodiff.coverage import reference_names

# MXNet 1.9.1's autograd API: ``dir(mxnet.autograd)`` on the oracle (mxnet==1.9.1), without
# what leaks into it from its imports (ctypes, CFUNCTYPE, NDArray, Lock, check_call, ...)
MXNET_AUTOGRAD = {'Function', 'backward', 'get_symbol', 'grad', 'is_recording', 'is_training',
                  'mark_variables', 'pause', 'predict_mode', 'record', 'set_recording',
                  'set_training', 'train_mode'}

# The project's documented extras per namespace, with the reason each exists.
EXTRAS = {
    'np': {
        'random': "the np.random submodule (MXNet's list leaves submodules out)",
        'linalg': "the np.linalg submodule (MXNet's list leaves submodules out)",
        'asarray': "NumPy's name (MXNet 1.9.1 has only np.array)",
        'int16': "NumPy's dtype (MXNet 1.9.1 lacks it)",
        'logical_and': "NumPy's name (MXNet 1.9.1 lacks it)",
        'logical_or': "NumPy's name (MXNet 1.9.1 lacks it)",
        'logical_xor': "NumPy's name (MXNet 1.9.1 lacks it)",
        'logaddexp': "NumPy's name (MXNet 1.9.1 lacks it; issue 13)",
        'triu': "NumPy's name (MXNet 1.9.1 has only tril; issue 14)",
        'from_dlpack': "NumPy's name (MXNet 1.9.1 has it as mx.nd.from_dlpack)",
    },
    'np.random': {
        'seed': "NumPy's np.random.seed (MXNet seeds with mx.random.seed)",
    },
    'npx': {
        'instance_norm': "MXNet 1.9.1's mx.nd.InstanceNorm (not in its npx), for Gluon's InstanceNorm",
        'group_norm': "MXNet 1.9.1's mx.nd.GroupNorm (not in its npx), for Gluon's GroupNorm",
        'Device': "MXNet 2.x's name for Context (the 2.x spelling is honoured too)",
        'current_device': "MXNet 2.x's name for current_context",
        'from_dlpack': "MXNet 2.x's npx.from_dlpack (1.9.1: mx.nd.from_dlpack)",
    },
    'image': {
        'image': "the image.image submodule (MXNet's list leaves submodules out)",
        'detection': "the image.detection submodule (MXNet's list leaves submodules out)",
        'det': "image.detection's alias, as MXNet's (MXNet's list leaves submodules out)",
    },
    'io': {},
    'autograd': {
        'compile': "autograd.compile: fused replay of a recorded function (issue 8)",
        'get_graph': "the recorded tape as a networkx DiGraph (autodiff.graph)",
        'detect_anomaly': "scope that checks every recorded value for NaN/inf (autodiff.anomaly)",
        'set_detect_anomaly': "switch of detect_anomaly (autodiff.anomaly)",
    },
}

# Extras claimed to be NumPy's names must be NumPy's names.
NUMPY_EXTRAS = {'np': ('asarray', 'int16', 'logical_and', 'logical_or', 'logical_xor',
                       'logaddexp', 'triu', 'from_dlpack'),
                'np.random': ('seed',)}


def _namespaces():
    ref = reference_names()
    return {'np': (np, set(ref['np'])), 'np.random': (np.random, set(ref['np.random'])),
            'npx': (npx, set(ref['npx'])), 'autograd': (autograd, MXNET_AUTOGRAD),
            'image': (autodiff.image, set(ref['image'])), 'io': (autodiff.io, set(ref['io']))}


@pytest.mark.parametrize('ns', ['np', 'np.random', 'npx', 'autograd', 'image', 'io'])
def test_dir_shows_only_mxnet_names_and_documented_extras(ns):
    mod, mxnet_names = _namespaces()[ns]
    shown = set(dir(mod))
    leaked = sorted(shown - mxnet_names - set(EXTRAS[ns]))
    assert not leaked, f"{ns} shows names that are neither MXNet's nor documented extras: {leaked}"
    assert not [n for n in shown if n.startswith('_')], f"{ns}: dir() shows private names"


@pytest.mark.parametrize('ns', ['np', 'np.random', 'npx', 'autograd', 'image', 'io'])
def test_all_matches_dir_and_every_listed_name_exists(ns):
    mod, _ = _namespaces()[ns]
    assert sorted(mod.__all__) == sorted(set(mod.__all__)), f"{ns}.__all__ has duplicates"
    assert set(dir(mod)) == set(mod.__all__)
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"{ns}.__all__ lists names it does not have: {missing}"


def test_star_import_gives_the_public_names_only():
    scope = {}
    exec('from autodiff.np import *', scope)
    got = {n for n in scope if n != '__builtins__'}
    assert got == set(np.__all__)
    assert 'value_read' not in got and 'off_tape' not in got and 'ndarray' in got


def test_numpy_extras_are_numpy_names():
    for name in NUMPY_EXTRAS['np']:
        assert hasattr(onp, name), name
    for name in NUMPY_EXTRAS['np.random']:
        assert hasattr(onp.random, name), name


@pytest.mark.parametrize('name', ['off_tape', 'value_read'])
def test_np_hides_the_tracer_helpers(name):
    assert name not in dir(np)
    assert not hasattr(np, name)


@pytest.mark.parametrize('name', ['state', 'typename', 'ndarray', 'ShapeError'])
def test_autograd_hides_its_imports(name):
    assert not hasattr(autograd, name)


@pytest.mark.parametrize('name', ['state', 'wrap', 'dtypes'])
def test_np_random_hides_its_imports(name):
    assert not hasattr(np.random, name)


def test_removed_dead_names_stay_removed():
    from autodiff import dtypes
    from autodiff.ops import binary, launch
    assert not hasattr(npx, '_np_mode')
    assert not hasattr(dtypes, 'is_scalar')
    assert not hasattr(binary, '_SCALAR_CODES')
    assert not hasattr(launch, '_THREADS')
    assert npx.is_np_array() is True


def test_node_freed_is_derived_from_released_outputs():
    x = np.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    node = y._node
    assert node.freed is False and node.outputs is not None
    y.backward()
    assert node.outputs is None and node.freed is True
    assert 'freed' not in type(node).__slots__
    assert autodiff.tape.Variable.freed is False
