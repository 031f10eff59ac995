"""``ImageIter`` / ``ImageDetIter`` over ``.lst`` files and ``imglist``s of tiny PNGs.

The expected batches (shapes, labels, pad, first pixels) came from MXNet 1.9.1: the same
files written by the same code, iterated with ``mxnet.image.ImageIter`` / ``ImageDetIter``
(``aug_list=[]``) in the oracle environment on 2026-12-02.
"""
import os

import numpy as onp
import pytest

import autodiff as mx
from autodiff import np

from ._fixtures import png_bytes

N_IMAGES = 5


def _pixels(k):
    """Image k: (4, 4, 3) uint8 whose first pixel is 40 * k."""
    return ((onp.arange(48).reshape(4, 4, 3) * 3 + 40 * k) % 256).astype(onp.uint8)


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    d = tmp_path_factory.mktemp('imgiter')
    for k in range(N_IMAGES):
        (d / f'im{k}.png').write_bytes(png_bytes(_pixels(k)))
    (d / 'cls.lst').write_text(''.join(f'{k}\t{10 + k}\tim{k}.png\n' for k in range(N_IMAGES)))
    (d / 'det.lst').write_text(''.join(
        f'{k}\t2\t5\t{k}\t0.1\t0.2\t0.5\t0.{6 + k % 4}\tim{k}.png\n' for k in range(N_IMAGES)))
    return str(d)


def _cls_iter(root, **kw):
    kw.setdefault('aug_list', [])
    return mx.image.ImageIter(2, (3, 4, 4), path_imglist=os.path.join(root, 'cls.lst'),
                              path_root=root, **kw)


def _epoch(it):
    """(labels, pad, first pixel of each sample) per batch of one epoch, then reset()."""
    out = []
    for b in it:
        x, y = b.data[0], b.label[0]
        assert isinstance(x, np.ndarray) and x.shape == (2, 3, 4, 4) and x.dtype == onp.float32
        assert y.shape == (2,)
        out.append((y.asnumpy().tolist(), b.pad, x.asnumpy()[:, 0, 0, 0].tolist()))
    it.reset()
    return out


# MXNet 1.9.1, batch_size 2 over 5 images labelled 10..14, two epochs with reset() between
MXNET_EPOCHS = {
    'pad': [[([10, 11], 0, [0, 40]), ([12, 13], 0, [80, 120]), ([14, 10], 1, [160, 0])]] * 2,
    'discard': [[([10, 11], 0, [0, 40]), ([12, 13], 0, [80, 120])]] * 2,
    'roll_over': [[([10, 11], 0, [0, 40]), ([12, 13], 0, [80, 120])],
                  [([14, 10], 1, [160, 0]), ([11, 12], 0, [40, 80]), ([13, 14], 0, [120, 160])]],
}


@pytest.mark.parametrize('handle', ['pad', 'discard', 'roll_over'])
def test_last_batch_handle_matches_mxnet(root, handle):
    it = _cls_iter(root, last_batch_handle=handle)
    assert [_epoch(it), _epoch(it)] == MXNET_EPOCHS[handle]


def test_pixels_are_the_images_in_chw(root):
    b = _cls_iter(root).next()
    want = onp.stack([_pixels(0), _pixels(1)]).transpose(0, 3, 1, 2).astype(onp.float32)
    onp.testing.assert_array_equal(b.data[0].asnumpy(), want)


def test_provide_data_and_label_and_names(root):
    it = _cls_iter(root)
    assert it.provide_data == [('data', (2, 3, 4, 4))]          # MXNet 1.9.1
    assert it.provide_label == [('softmax_label', (2,))]
    it = mx.image.ImageIter(2, (3, 4, 4), imglist=[[1.0, 'im0.png'], [2.0, 'im3.png'],
                                                   [3.0, 'im4.png']],
                            path_root=root, aug_list=[], data_name='img', label_name='lab')
    assert it.provide_data == [('img', (2, 3, 4, 4))]
    assert it.provide_label == [('lab', (2,))]
    # MXNet 1.9.1: labels [1, 2] then [3, 1] with pad 1; first pixels [0, 120], [160, 0]
    assert _epoch(it) == [([1, 2], 0, [0, 120]), ([3, 1], 1, [160, 0])]


def test_aug_list_and_default_augmenter(root):
    it = mx.image.ImageIter(2, (3, 2, 2), path_imglist=os.path.join(root, 'cls.lst'),
                            path_root=root, aug_list=[mx.image.CenterCropAug((2, 2))])
    b = it.next()
    assert b.data[0].shape == (2, 3, 2, 2)
    # MXNet 1.9.1: the centre 2x2 of image 0, channel by channel
    assert b.data[0].asnumpy()[0].ravel().tolist() == [45, 54, 81, 90, 48, 57, 84, 93,
                                                       51, 60, 87, 96]
    b = _cls_iter(root, aug_list=None).next()                    # CreateAugmenter's default
    assert b.data[0].dtype == onp.float32
    assert b.data[0].asnumpy()[0, :, 0, 0].tolist() == [0, 3, 6]  # MXNet 1.9.1


def test_shuffle_with_a_seed_is_a_reproducible_permutation(root):
    def labels():
        mx.random.seed(7)
        it = _cls_iter(root, shuffle=True, last_batch_handle='discard')
        return [y for ep in (_epoch(it), _epoch(it)) for b in ep for y in b[0]]
    first = labels()
    assert first == labels()
    assert first != [10, 11, 12, 13] * 2                       # seed 7 does shuffle
    # each epoch: 4 distinct labels out of 10..14 (the order is autodiff's RNG, not MXNet's)
    for epoch in (first[:4], first[4:]):
        assert len(set(epoch)) == 4 and set(epoch) <= set(range(10, 15))
    it = _cls_iter(root, shuffle=True)
    seen = sorted(y for b in _epoch(it) for y in b[0][:2 - b[1]])
    assert seen == list(range(10, 15))


def test_reset_restarts_the_epoch(root):
    it = _cls_iter(root)
    it.next()
    it.reset()
    assert it.next().label[0].asnumpy().tolist() == [10, 11]


def test_bad_input_names_the_file_or_argument(root, tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.lst'):
        mx.image.ImageIter(2, (3, 4, 4), path_imglist=str(tmp_path / 'nope.lst'))
    (tmp_path / 'gone.lst').write_text('0\t1\tmissing.png\n')
    it = mx.image.ImageIter(2, (3, 4, 4), path_imglist=str(tmp_path / 'gone.lst'),
                            path_root=str(tmp_path), aug_list=[])
    with pytest.raises(FileNotFoundError, match='missing.png'):
        it.next()
    # (MXNet 1.9.1 fails only in next(), with "shape [2] is not broadcastable to [1]")
    (tmp_path / 'wide.lst').write_text('0\t1\t2\tim0.png\n')
    with pytest.raises(ValueError, match=r'wide\.lst:1 has 2 label value\(s\), but label_width=1'):
        mx.image.ImageIter(1, (3, 4, 4), path_imglist=str(tmp_path / 'wide.lst'), aug_list=[])
    with pytest.raises(ValueError, match=r'imglist\[0\] has 2 .*label_width=3'):
        mx.image.ImageIter(1, (3, 4, 4), imglist=[[1.0, 2.0, 'im0.png']], label_width=3)
    with pytest.raises(ValueError, match='last_batch_handle'):
        _cls_iter(root, last_batch_handle='wrap')
    with pytest.raises(ValueError, match='data_shape'):
        mx.image.ImageIter(2, (4, 4), path_imglist=os.path.join(root, 'cls.lst'))


# MXNet 1.9.1's ImageDetIter labels of det.lst: [cls, xmin, ymin, xmax, ymax] per image
DET = [[k, 0.1, 0.2, 0.5, 0.6 + 0.1 * (k % 4)] for k in range(N_IMAGES)]


@pytest.mark.parametrize('handle,batches', [('pad', [([0, 1], 0), ([2, 3], 0), ([4, 0], 1)]),
                                            ('discard', [([0, 1], 0), ([2, 3], 0)])])
def test_image_det_iter_matches_mxnet(root, handle, batches):
    it = mx.image.ImageDetIter(2, (3, 4, 4), path_imglist=os.path.join(root, 'det.lst'),
                               path_root=root, aug_list=[], last_batch_handle=handle)
    assert it.provide_data == [('data', (2, 3, 4, 4))]           # MXNet 1.9.1
    assert it.provide_label == [('label', (2, 1, 5))]
    assert tuple(it.label_shape) == (1, 5)
    got = list(it)
    assert [b.pad for b in got] == [p for _, p in batches]
    for b, (ids, _) in zip(got, batches):
        assert b.data[0].shape == (2, 3, 4, 4) and b.label[0].shape == (2, 1, 5)
        onp.testing.assert_allclose(b.label[0].asnumpy()[:, 0], [DET[k] for k in ids],
                                    rtol=1e-6)
        assert b.data[0].asnumpy()[:, 0, 0, 0].tolist() == [40 * k for k in ids]


def test_image_det_iter_rejects_a_malformed_label(root, tmp_path):
    (tmp_path / 'bad.lst').write_text('0\t2\t5\t0\t0.1\t0.2\tim0.png\n')
    # (MXNet 1.9.1 raises RuntimeError 'Label shape is invalid', without the file)
    with pytest.raises(RuntimeError, match=r'bad\.lst:1: Label shape is invalid'):
        mx.image.ImageDetIter(1, (3, 4, 4), path_imglist=str(tmp_path / 'bad.lst'),
                              path_root=root, aug_list=[])
