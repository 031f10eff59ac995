import numpy as np

from viz.labels import format_array, format_params, format_shape, output_types


def test_small_arrays_in_full():
    assert format_array(np.array([[4, 8], [12, 16]], np.float32)) == '[[4, 8], [12, 16]]'
    assert format_array(np.float32(0.5)) == '0.5'
    assert format_array(np.arange(6)) == '[0, 1, 2, 3, 4, 5]'
    assert format_array(np.array([1 / 3, 1e-8])) == '[0.3333, 1e-08]'
    assert format_array(np.array([True, False])) == '[True, False]'
    assert format_array(None) == 'None'


def test_large_arrays_as_shape_and_norm():
    assert format_array(np.full((10, 10), 0.5)) == '(10, 10) norm=5 min=0.5 max=0.5'
    assert format_array(np.arange(-3, 7)) == '(10,) norm=10.25 min=-3 max=6'
    a = np.ones(7, np.float32)
    a[:2] = np.nan
    a[2] = np.inf
    a[3] = -2
    assert format_array(a) == '(7,) norm=nan min=-2 max=1 (2 NaN, 1 inf)'   # finite min/max
    assert format_array(np.ones((3, 3), bool)) == '(3, 3) norm=3'


def test_shapes_and_types():
    assert format_shape(()) == '()' and format_shape((5,)) == '(5,)'
    assert output_types({'shape': (2, 2), 'dtype': 'float32'}) == ['(2, 2) float32']
    assert output_types({'nout': 2, 'shape': ((1,), ()), 'dtype': ('int64', 'float32')}) \
        == ['(1,) int64', '() float32']
    assert output_types({}) == []


def test_params_are_listed_in_order_and_truncated():
    data = {'params': ('axis', 'keepdims', 'shape'), 'axis': (0, 1), 'keepdims': True,
            'shape': tuple(range(40))}
    text = format_params(data)
    assert text.startswith('axis=(0, 1), keepdims=True, shape=(0, 1, 2')
    assert text.endswith('...') and len(text.split('shape=')[1]) == 24
