"""``imresize`` and the crops against MXNet 1.9.1 (``data/mxnet_1_9_1.npz``: the oracle's
OpenCV 3.4.2 outputs on small fixed images), and their errors."""
import numpy as onp
import pytest

from autodiff import np, image
from autodiff.errors import DTypeError, ShapeError

from ._fixtures import ORACLE, img

CASES = [(chr(s), w, h) for s, w, h in ORACLE['resize_cases']]


@pytest.mark.parametrize('interp', [0, 1, 2, 3, 4])
def test_imresize_uint8_matches_mxnet(interp):
    for n, (name, w, h) in enumerate(CASES):
        got = image.imresize(img(name), int(w), int(h), interp=interp)
        want = ORACLE[f'resize_{n}_{interp}']
        assert got.dtype == onp.uint8 and got.shape == want.shape
        diff = onp.abs(got.asnumpy().astype(int) - want)
        if interp == 2:         # bicubic: OpenCV's float32 SIMD vertical pass (docstring)
            assert diff.max() <= 1 and (diff > 0).mean() < 0.01, (n, diff.max())
        else:
            onp.testing.assert_array_equal(got.asnumpy(), want, err_msg=f'case {n}')


@pytest.mark.parametrize('interp', [0, 1, 2, 3, 4])
def test_imresize_float32_matches_mxnet(interp):
    for n, (name, w, h) in enumerate(CASES):
        src = img(name).astype('float32') / 3
        got = image.imresize(src, int(w), int(h), interp=interp)
        assert got.dtype == onp.float32
        onp.testing.assert_allclose(got.asnumpy(), ORACLE[f'resizef_{n}_{interp}'],
                                    rtol=1e-5, atol=2e-5, err_msg=f'case {n}')


def test_resize_short_fixed_and_center_crop_match_mxnet():
    a, b = img('a'), img('b')
    eq = onp.testing.assert_array_equal
    eq(image.resize_short(a, 4).asnumpy(), ORACLE['resize_short_a_4'])
    eq(image.resize_short(b, 5, interp=3).asnumpy(), ORACLE['resize_short_b_5_area'])
    eq(image.resize_short(b, 15, interp=9).asnumpy(), ORACLE['resize_short_b_15_auto'])
    eq(image.fixed_crop(a, 1, 2, 5, 4).asnumpy(), ORACLE['fixed_crop_a'])
    eq(image.fixed_crop(a, 1, 2, 5, 4, size=(7, 3), interp=1).asnumpy(),
       ORACLE['fixed_crop_a_resized'])
    out, box = image.center_crop(b, (6, 8))
    eq(out.asnumpy(), ORACLE['center_crop_b'])
    assert box == tuple(ORACLE['center_crop_b_box'])
    out, box = image.center_crop(a, (12, 8))        # larger than the image: scaled down
    eq(out.asnumpy(), ORACLE['center_crop_a_big'])
    assert box == tuple(ORACLE['center_crop_a_big_box'])
    assert image.scale_down((640, 480), (720, 120)) == tuple(ORACLE['scale_down'])
    eq(image.ForceResizeAug((5, 4), interp=1)(a).asnumpy(), ORACLE['aug_force_resize'])
    eq(image.ResizeAug(4, interp=3)(b).asnumpy(), ORACLE['aug_resize_short'])


def test_same_size_is_a_copy_and_halving_bilinear_is_the_block_mean():
    a = img('c')                                     # 6 x 6
    same = image.imresize(a, 6, 6)
    onp.testing.assert_array_equal(same.asnumpy(), a.asnumpy())
    half = image.imresize(a, 3, 3, interp=1).asnumpy().astype(int)
    blocks = a.asnumpy().astype(int).reshape(3, 2, 3, 2, 3).sum(axis=(1, 3))
    onp.testing.assert_array_equal(half, (blocks + 2) // 4)   # OpenCV's rounding


def test_copy_make_border_matches_mxnet_border_codes():
    a = img('a')
    for t in range(5):
        got = image.copyMakeBorder(a, 1, 2, 3, 1, type=t, values=(9, 8, 7))
        onp.testing.assert_array_equal(got.asnumpy(), ORACLE[f'border_{t}'], err_msg=str(t))


def test_color_normalize_matches_mxnet():
    got = image.color_normalize(img('a').astype('float32'), np.array([10.0, 20.0, 30.0]),
                                np.array([2.0, 4.0, 8.0]))
    onp.testing.assert_allclose(got.asnumpy(), ORACLE['color_normalize_a'], rtol=1e-6)


def test_bad_input_gets_clear_errors():
    a = img('a')
    with pytest.raises(ValueError, match='w must be a positive int'):
        image.imresize(a, 0, 3)
    with pytest.raises(ValueError, match='unknown interp 7'):
        image.imresize(a, 3, 3, interp=7)
    with pytest.raises(ShapeError, match=r'height, width, channels\), got shape \(7, 9\)'):
        image.imresize(a[:, :, 0], 3, 3)
    with pytest.raises(DTypeError, match='int32'):
        image.imresize(a.astype('int32'), 3, 3)
    with pytest.raises(ShapeError, match='does not fit'):
        image.fixed_crop(a, 6, 0, 5, 4)
    with pytest.raises(ValueError, match='Unknown interp method 5'):
        image.resize_short(a, 4, interp=5)
    with pytest.raises(ValueError, match='border type 6'):
        image.copyMakeBorder(a, 1, 1, 1, 1, type=6)
