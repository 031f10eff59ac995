"""The random augmenters by seeded relations (shapes, ranges, the arithmetic each one
promises), and that ``mx.random.seed`` makes them repeat."""
import numpy as onp
import pytest

import autodiff as mx
from autodiff import np, image

from ._fixtures import img

GRAY = onp.array([0.299, 0.587, 0.114])


def _f(name):
    return img(name).astype('float32')


def test_flip_flips_with_probability_p():
    a = img('a')
    onp.testing.assert_array_equal(image.HorizontalFlipAug(1)(a).asnumpy(),
                                   a.asnumpy()[:, ::-1])
    assert image.HorizontalFlipAug(0)(a) is a
    mx.random.seed(0)
    flips = sum(image.HorizontalFlipAug(0.5)(a).asnumpy()[0, 0, 0] != a.asnumpy()[0, 0, 0]
                for _ in range(200))
    assert 70 < flips < 130


def test_brightness_scales_by_a_factor_in_range():
    src = _f('a').asnumpy()
    for seed in range(5):
        mx.random.seed(seed)
        out = image.BrightnessJitterAug(0.3)(np.array(src)).asnumpy()
        factor = out / onp.where(src == 0, 1, src)
        alpha = factor[src > 0].mean()
        onp.testing.assert_allclose(factor[src > 0], alpha, rtol=1e-5)
        assert 0.7 <= alpha <= 1.3


def test_contrast_blends_with_the_mean_gray_level():
    src = _f('b').asnumpy().astype(onp.float64)
    mx.random.seed(1)
    out = image.ContrastJitterAug(0.5)(np.array(src.astype('float32'))).asnumpy()
    alpha = (out[0, 0, 0] - out[1, 1, 1]) / (src[0, 0, 0] - src[1, 1, 1])
    assert 0.5 <= alpha <= 1.5
    want = src * alpha + (1 - alpha) * (src @ GRAY).mean()
    onp.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-3)


def test_saturation_blends_each_pixel_with_its_gray():
    src = _f('b').asnumpy().astype(onp.float64)
    mx.random.seed(2)
    out = image.SaturationJitterAug(0.5)(np.array(src.astype('float32'))).asnumpy()
    alpha = (out[0, 0, 0] - out[0, 0, 1]) / (src[0, 0, 0] - src[0, 0, 1])
    assert 0.5 <= alpha <= 1.5
    want = src * alpha + (1 - alpha) * (src @ GRAY)[..., None]
    onp.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-3)


def test_hue_keeps_luma_and_chroma_magnitude():
    src = _f('b').asnumpy().astype(onp.float64)
    tyiq = onp.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.321], [0.211, -0.523, 0.311]])
    mx.random.seed(3)
    out = image.HueJitterAug(0.4)(np.array(src.astype('float32'))).asnumpy()
    yiq_in, yiq_out = src @ tyiq.T, out @ tyiq.T
    onp.testing.assert_allclose(yiq_out[..., 0], yiq_in[..., 0], atol=0.5)   # (MXNet's
    onp.testing.assert_allclose(onp.hypot(yiq_out[..., 1], yiq_out[..., 2]),  # matrices are
                                onp.hypot(yiq_in[..., 1], yiq_in[..., 2]), atol=0.5)  # 3-digit)
    # one rotation angle for every pixel, within the range (MXNet's inverse YIQ matrix is
    # the 3-digit one, not the exact inverse, so the angles spread by a few hundredths)
    angle = onp.angle((yiq_out[..., 1] + 1j * yiq_out[..., 2])
                      / (yiq_in[..., 1] + 1j * yiq_in[..., 2]))
    assert onp.abs(angle).max() <= 0.4 * onp.pi + 0.05 and onp.ptp(angle) < 0.05
    assert onp.abs(angle).min() > 0.01


def test_lighting_adds_one_colour_to_every_pixel():
    src = _f('a').asnumpy()
    mx.random.seed(4)
    out = image.LightingAug(0.1, image.image.EIGVAL, image.image.EIGVEC)(np.array(src)).asnumpy()
    shift = out - src
    onp.testing.assert_allclose(shift, onp.broadcast_to(shift[0, 0], shift.shape), atol=1e-4)
    assert onp.abs(shift[0, 0]).max() > 0
    same = image.LightingAug(0.0, image.image.EIGVAL, image.image.EIGVEC)(np.array(src))
    onp.testing.assert_array_equal(same.asnumpy(), src)


def test_gray_cast_and_normalize():
    src = _f('a').asnumpy()
    out = image.RandomGrayAug(1)(np.array(src)).asnumpy()
    want = src.astype(onp.float64) @ onp.array([0.21, 0.72, 0.07])
    for c in range(3):
        onp.testing.assert_allclose(out[..., c], want, rtol=1e-5)
    assert image.CastAug()(img('a')).dtype == onp.float32
    norm = image.ColorNormalizeAug(onp.array([1.0, 2.0, 3.0]), onp.array([2.0, 2.0, 2.0]))
    onp.testing.assert_allclose(norm(np.array(src)).asnumpy(), (src - [1, 2, 3]) / 2, rtol=1e-6)


def test_crops_are_windows_of_the_source():
    a = img('b').asnumpy()                              # 12 x 10
    mx.random.seed(5)
    for _ in range(10):
        out, (x0, y0, w, h) = image.random_crop(np.array(a, dtype='uint8'), (4, 6))
        assert (w, h) == (4, 6) and 0 <= x0 <= 6 and 0 <= y0 <= 6
        onp.testing.assert_array_equal(out.asnumpy(), a[y0:y0 + 6, x0:x0 + 4])
    for _ in range(10):
        out, (x0, y0, w, h) = image.random_size_crop(np.array(a, dtype='uint8'), (5, 5),
                                                     (0.3, 1.0), (0.75, 1.33))
        assert out.shape == (5, 5, 3) and x0 + w <= 10 and y0 + h <= 12
        assert 0.3 * 120 - 12 <= w * h <= 120 and 0.7 <= w / h <= 1.45
    assert image.RandomSizedCropAug((7, 3), 0.5, (0.5, 2))(np.array(a, dtype='uint8')).shape == \
        (3, 7, 3)
    assert image.CenterCropAug((4, 4))(np.array(a, dtype='uint8')).shape == (4, 4, 3)


def test_seed_repeats_the_augmenters():
    augs = image.CreateAugmenter((3, 6, 6), resize=8, rand_crop=True, rand_resize=True,
                                 rand_mirror=True, brightness=0.2, contrast=0.2,
                                 saturation=0.2, hue=0.1, pca_noise=0.1, rand_gray=0.3,
                                 mean=True, std=True)
    names = [type(t).__name__ for t in augs]
    assert names == ['ResizeAug', 'RandomSizedCropAug', 'HorizontalFlipAug', 'CastAug',
                     'ColorJitterAug', 'HueJitterAug', 'LightingAug', 'RandomGrayAug',
                     'ColorNormalizeAug']
    onp.testing.assert_allclose(augs[-1].mean, [123.68, 116.28, 103.53])
    runs = []
    for _ in range(2):
        mx.random.seed(11)
        x = img('b')
        for t in augs:
            x = t(x)
        runs.append(x.asnumpy())
    assert runs[0].shape == (6, 6, 3) and runs[0].dtype == onp.float32
    onp.testing.assert_array_equal(runs[0], runs[1])
    assert image.SequentialAug(augs[:2]).dumps()[0] == 'sequentialaug'
    assert image.CastAug().dumps() == '["castaug", {"type": "float32"}]'


def test_imrotate_quarter_turn_and_random_rotate_range():
    chw = onp.arange(25, dtype=onp.float32).reshape(1, 5, 5)
    got = image.imrotate(np.array(chw), 90).asnumpy()
    onp.testing.assert_allclose(got[0], onp.rot90(chw[0], k=1), atol=1e-4)
    same = image.random_rotate(np.array(chw), (0, 0)).asnumpy()
    onp.testing.assert_allclose(same, chw, atol=1e-5)
    with pytest.raises(TypeError, match='float32'):
        image.imrotate(np.array(chw.astype(onp.float64)), 10)


def test_detection_flip_moves_the_boxes():
    label = onp.array([[0, 0.1, 0.2, 0.4, 0.9], [1, 0.5, 0.0, 1.0, 0.5]], dtype=onp.float32)
    a = img('a')
    out, lab = image.DetHorizontalFlipAug(1)(a, label)
    onp.testing.assert_array_equal(out.asnumpy(), a.asnumpy()[:, ::-1])
    onp.testing.assert_allclose(lab[:, [1, 3]], 1 - label[:, [3, 1]])
    onp.testing.assert_array_equal(lab[:, [0, 2, 4]], label[:, [0, 2, 4]])
    out, lab = image.DetRandomSelectAug([image.DetHorizontalFlipAug(1)], skip_prob=1)(a, label)
    assert out is a and lab is label


def test_detection_crop_and_pad_keep_boxes_on_the_objects():
    a = onp.zeros((40, 50, 3), dtype=onp.uint8)
    a[10:30, 20:40] = 200                                   # the object
    label = onp.array([[0, 20 / 50, 10 / 40, 40 / 50, 30 / 40]], dtype=onp.float32)
    mx.random.seed(6)
    crop = image.DetRandomCropAug(min_object_covered=0.9, area_range=(0.3, 1.0),
                                  max_attempts=100)
    pad = image.DetRandomPadAug(area_range=(1.5, 3.0), pad_val=(7, 7, 7))
    for aug in (crop, pad):
        for _ in range(5):
            out, lab = aug(np.array(a, dtype='uint8'), label)
            o = out.asnumpy()
            h, w, _ = o.shape
            x1, y1, x2, y2 = (lab[0, 1:] * [w, h, w, h]).round().astype(int)
            inside = o[y1:y2, x1:x2]
            assert inside.size and (inside == 200).mean() > 0.95, type(aug).__name__
            assert 0 <= lab[0, 1] < lab[0, 3] <= 1 and 0 <= lab[0, 2] < lab[0, 4] <= 1
            if aug is pad:
                assert h > 40 and w > 50 and (o == 7).any()
    augs = image.CreateDetAugmenter((3, 8, 8), resize=20, rand_crop=0.5, rand_pad=0.5,
                                    rand_mirror=True, mean=True, std=True, brightness=0.1)
    assert [type(t).__name__ for t in augs] == [
        'DetBorrowAug', 'DetRandomSelectAug', 'DetHorizontalFlipAug', 'DetRandomSelectAug',
        'DetBorrowAug', 'DetBorrowAug', 'DetBorrowAug', 'DetBorrowAug']
    with pytest.raises(TypeError, match='image Augmenter'):
        image.DetBorrowAug(image.DetHorizontalFlipAug(1))
