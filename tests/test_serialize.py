"""``npx.save`` / ``npx.load`` (``autodiff/serialize.py``): round trips of arrays, lists and
dicts over dtypes and shapes, files written by MXNet 1.9.1's ``npx.save`` (under
``tests/data/mxnet_1_9_1/``, see the README there) read with their values and written back
byte for byte, and clear errors for bad arguments and damaged files."""
import os
import struct

import numpy as onp
import pytest

from autodiff import np, npx
from autodiff.serialize import FormatError, encode, decode

DATA = os.path.join(os.path.dirname(__file__), 'data', 'mxnet_1_9_1')
DTYPES = ['float32', 'float64', 'float16', 'uint8', 'int8', 'int32', 'int64', 'bool', 'int16',
          'uint16', 'uint32', 'uint64']
SHAPES = [(), (0,), (3,), (2, 0, 3), (2, 3, 4)]


def _same(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    onp.testing.assert_array_equal(a.asnumpy(), b.asnumpy())


@pytest.mark.parametrize('dtype', DTYPES)
def test_round_trip_dtypes_and_shapes(tmp_path, dtype):
    rng = onp.random.default_rng(0)
    arrays = [np.array((rng.uniform(-50, 50, s) if dtype[0] in 'fi' else rng.uniform(0, 50, s))
                       .astype(dtype)) for s in SHAPES]
    f = str(tmp_path / 'a.params')
    npx.save(f, arrays)
    back = npx.load(f)
    assert isinstance(back, list) and len(back) == len(arrays)
    for a, b in zip(arrays, back):
        _same(a, b)


def test_dict_keeps_names_and_order_and_a_single_array_loads_as_a_list(tmp_path):
    d = {'z': np.ones((2, 2)), 'a': np.arange(3, dtype='int64'), 'ünï': np.array(1.5)}
    f = tmp_path / 'd.params'
    npx.save(str(f), d)
    back = npx.load(f)                                  # a PathLike works too
    assert list(back) == ['z', 'a', 'ünï']
    for k in d:
        _same(d[k], back[k])
    npx.save(str(f), np.zeros((1, 2)))
    (only,) = npx.load(str(f))
    _same(only, np.zeros((1, 2)))
    npx.save(str(f), [])
    assert npx.load(str(f)) == []


def test_non_contiguous_arrays_are_saved_in_c_order(tmp_path):
    x = np.array(onp.arange(12.0).reshape(3, 4)[:, ::2], dtype='float64')
    f = str(tmp_path / 'nc.params')
    npx.save(f, [x])
    _same(npx.load(f)[0], x)


def test_reads_files_written_by_mxnet_1_9_1():
    lst = npx.load(os.path.join(DATA, 'list_f32.params'))
    assert [a.dtype for a in lst] == [onp.float32, onp.float32] and lst[1].shape == ()
    onp.testing.assert_array_equal(lst[0].asnumpy(), [[1.5, -2.0, 3.25], [0, 1, 2]])
    assert lst[1].item() == 7.0
    d = npx.load(os.path.join(DATA, 'dict_mixed.params'))
    assert list(d) == ['w', 'idx', 'b', 'h', 'i64', 'flag']
    assert {k: str(v.dtype) for k, v in d.items()} == {
        'w': 'float64', 'idx': 'int32', 'b': 'uint8', 'h': 'float16', 'i64': 'int64',
        'flag': 'bool'}
    onp.testing.assert_array_equal(d['w'].asnumpy(), onp.arange(6.0).reshape(2, 3))
    assert d['idx'].tolist() == [3, -1, 4] and d['b'].tolist() == [1, 0, 1]
    assert d['h'].tolist() == [0.5, 2.0] and d['i64'].tolist() == [2 ** 40]
    assert d['flag'].tolist() == [True, False]
    (e,) = npx.load(os.path.join(DATA, 'single.params'))
    assert e.shape == (0, 2) and e.dtype == onp.float32
    assert npx.load(os.path.join(DATA, 'empty_list.params')) == []


@pytest.mark.parametrize('name', ['list_f32', 'dict_mixed', 'single', 'empty_list'])
def test_writes_the_bytes_mxnet_1_9_1_writes(name):
    path = os.path.join(DATA, name + '.params')
    with open(path, 'rb') as f:
        raw = f.read()
    assert encode(npx.load(path)) == raw


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match=r"arr\[1\] must be an array"):
        encode([np.ones(1), onp.ones(1)])
    with pytest.raises(TypeError, match="dict keys must be str"):
        encode({1: np.ones(1)})
    with pytest.raises(TypeError, match=r"arr\['w'\] must be an array"):
        encode({'w': [1.0]})
    with pytest.raises(TypeError, match="arr must be an array, a list"):
        encode(3.0)
    with pytest.raises(TypeError, match="file must be a path"):
        npx.save(3, np.ones(1))
    with pytest.raises(TypeError, match="file must be a path"):
        npx.load(None)


def test_damaged_files_give_clear_errors():
    good = encode({'w': np.ones((2, 3))})
    with pytest.raises(FormatError, match="not an MXNet NDArray file"):
        decode(b'PK\x03\x04' + good[4:])
    with pytest.raises(FormatError, match="ends"):
        decode(good[:40])
    with pytest.raises(FormatError, match="ends"):
        decode(good[:-3])
    with pytest.raises(FormatError, match="bytes after its last entry"):
        decode(good + b'\0')
    sparse = bytearray(good)
    struct.pack_into('<i', sparse, 28, 1)             # storage type of the first array
    with pytest.raises(FormatError, match="sparse"):
        decode(bytes(sparse))
    v1 = bytearray(good)
    struct.pack_into('<I', v1, 24, 0xF993FAC8)
    with pytest.raises(FormatError, match="magic 0xf993fac8"):
        decode(bytes(v1))
    flag = bytearray(good)
    struct.pack_into('<i', flag, 60, 42)               # type flag after 2 dims and device
    with pytest.raises(FormatError, match="unknown type flag 42"):
        decode(bytes(flag))
