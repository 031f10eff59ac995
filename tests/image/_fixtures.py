"""The MXNet 1.9.1 fixtures of ``tests/image`` (written by ``data/make_fixtures.py``)."""
import importlib.util
import os

import numpy as onp

from autodiff import np

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
ORACLE = onp.load(os.path.join(DATA, 'mxnet_1_9_1.npz'))


def img(name):
    """A fixture image as an autodiff uint8 array."""
    return np.array(ORACLE[f'img_{name}'], dtype='uint8')


def path(name):
    """The path of a file in ``tests/image/data``."""
    return os.path.join(DATA, name)


def png_bytes(a):
    """The fixture script's PNG encoder (the bytes MXNet 1.9.1 decoded)."""
    spec = importlib.util.spec_from_file_location('make_fixtures', path('make_fixtures.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.png_bytes(a)
