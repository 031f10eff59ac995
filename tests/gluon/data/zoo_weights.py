"""Deterministic inputs and weights shared by ``make_model_zoo_oracle.py`` (run with MXNet
1.9.1) and ``tests/gluon/test_model_zoo.py`` (run with autodiff): plain NumPy, so both
sides build bit-identical arrays without storing them."""
import zlib

import numpy as onp


def fixed_input(shape, seed=0):
    """Images in [-1, 1) of ``shape`` (float32), the same on every machine."""
    return onp.random.RandomState(seed).uniform(-1, 1, shape).astype(onp.float32)


def seeded_param(key, shape):
    """A value for parameter ``key`` (its structural key, ``features.0.weight``) of
    ``shape``: He-scaled uniform weights (in +-sqrt(6 / fan_in)), gamma and running_var in [0.5, 1.5), beta,
    biases and running_mean in [-0.2, 0.2).  Seeded by the key's CRC-32."""
    rs = onp.random.RandomState(zlib.crc32(key.encode()))
    shape = tuple(shape)
    if key.endswith(('gamma', 'running_var')):
        v = rs.uniform(0.5, 1.5, shape)
    elif key.endswith(('beta', 'bias', 'running_mean')) or len(shape) < 2:
        v = rs.uniform(-0.2, 0.2, shape)
    else:
        fan_in = int(onp.prod(shape[1:]))
        v = rs.uniform(-1.0, 1.0, shape) * (6.0 / fan_in) ** 0.5
    return v.astype(onp.float32)
