"""gluon.data.vision: the dataset readers on small files written here in the standard
formats (IDX, CIFAR binary), the missing-file error, and the transforms (against NumPy and
PyTorch's bilinear interpolation)."""
import gzip
import os
import struct
import tarfile

import numpy as onp
import pytest

from autodiff import np
from autodiff.gluon.data import DataLoader
from autodiff.gluon.data import vision
from autodiff.gluon.data.vision import transforms as T


def _write_idx(path, arr, gz=True):
    header = struct.pack('>HBB', 0, 0x08, arr.ndim) + struct.pack('>' + 'I' * arr.ndim,
                                                                  *arr.shape)
    opener = gzip.open if gz else open
    with opener(path, 'wb') as f:
        f.write(header + arr.astype(onp.uint8).tobytes())


def _mnist_files(root, n=7, prefix='train', gz=True):
    rng = onp.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28)).astype(onp.uint8)
    labels = rng.integers(0, 10, n).astype(onp.uint8)
    ext = '.gz' if gz else ''
    _write_idx(os.path.join(root, f'{prefix}-images-idx3-ubyte{ext}'), images, gz)
    _write_idx(os.path.join(root, f'{prefix}-labels-idx1-ubyte{ext}'), labels, gz)
    return images, labels


def test_mnist_reads_idx_files(tmp_path):
    images, labels = _mnist_files(str(tmp_path))
    ds = vision.MNIST(root=str(tmp_path))
    assert len(ds) == 7
    img, lab = ds[3]
    assert img.shape == (28, 28, 1) and img.dtype == onp.uint8
    onp.testing.assert_array_equal(img.asnumpy()[:, :, 0], images[3])
    assert lab == labels[3] and isinstance(lab, onp.int32)


def test_fashion_mnist_test_split_uncompressed(tmp_path):
    images, labels = _mnist_files(str(tmp_path), n=3, prefix='t10k', gz=False)
    ds = vision.FashionMNIST(root=str(tmp_path), train=False)
    onp.testing.assert_array_equal(ds[2][0].asnumpy()[:, :, 0], images[2])


def test_missing_files_name_them_and_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"MNIST: the dataset files are not in .*"
                                                r"train-images-idx3-ubyte\.gz, "
                                                r"train-labels-idx1-ubyte\.gz"):
        vision.MNIST(root=str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"cifar-10-batches-bin/data_batch_1\.bin"):
        vision.CIFAR10(root=str(tmp_path))


def test_corrupt_idx_is_a_clear_error(tmp_path):
    with gzip.open(str(tmp_path / 'train-images-idx3-ubyte.gz'), 'wb') as f:
        f.write(b'\x00\x00\x0d\x03' + b'\x00' * 12)
    _write_idx(str(tmp_path / 'train-labels-idx1-ubyte.gz'), onp.zeros(1))
    with pytest.raises(ValueError, match='not an unsigned-byte IDX file'):
        vision.MNIST(root=str(tmp_path))


def _cifar_records(n, label_bytes, seed):
    rng = onp.random.default_rng(seed)
    labels = rng.integers(0, 100, (n, label_bytes)).astype(onp.uint8)
    pixels = rng.integers(0, 256, (n, 3072)).astype(onp.uint8)
    return onp.concatenate([labels, pixels], axis=1), labels, pixels


def test_cifar10_binary_batches(tmp_path):
    folder = tmp_path / 'cifar-10-batches-bin'
    folder.mkdir()
    want = []
    for i in range(1, 6):
        rec, labels, pixels = _cifar_records(2, 1, i)
        rec.tofile(str(folder / f'data_batch_{i}.bin'))
        want.append((labels[:, 0], pixels))
    ds = vision.CIFAR10(root=str(tmp_path))
    assert len(ds) == 10
    img, lab = ds[5]                      # batch 3, record 1
    labels, pixels = want[2]
    assert img.shape == (32, 32, 3) and lab == labels[1]
    onp.testing.assert_array_equal(img.asnumpy(), pixels[1].reshape(3, 32, 32)
                                   .transpose(1, 2, 0))


@pytest.mark.parametrize('data_filter', [True, False], ids=['tarfile-filter', 'older-python'])
def test_cifar100_from_the_archive_fine_and_coarse(tmp_path, monkeypatch, data_filter):
    if not data_filter:               # Pythons before 3.11.4 have no extraction filters
        monkeypatch.delattr(tarfile, 'data_filter', raising=False)
    elif not hasattr(tarfile, 'data_filter'):
        pytest.skip("this Python's tarfile has no extraction filters (before 3.11.4)")
    src = tmp_path / 'build' / 'cifar-100-binary'
    src.mkdir(parents=True)
    rec, labels, pixels = _cifar_records(3, 2, 9)
    rec.tofile(str(src / 'test.bin'))
    with tarfile.open(str(tmp_path / 'cifar-100-binary.tar.gz'), 'w:gz') as tar:
        tar.add(str(src), arcname='cifar-100-binary')
    fine = vision.CIFAR100(root=str(tmp_path), fine_label=True, train=False)
    coarse = vision.CIFAR100(root=str(tmp_path), train=False)
    assert [fine[i][1] for i in range(3)] == labels[:, 1].tolist()
    assert [coarse[i][1] for i in range(3)] == labels[:, 0].tolist()


def test_an_archive_member_outside_the_root_is_refused(tmp_path, monkeypatch):
    monkeypatch.delattr(tarfile, 'data_filter', raising=False)   # the fallback's own check
    evil = tmp_path / 'evil.bin'
    evil.write_bytes(b'x')
    root = tmp_path / 'root'
    root.mkdir()
    with tarfile.open(str(root / 'cifar-100-binary.tar.gz'), 'w:gz') as tar:
        tar.add(str(evil), arcname='../evil.bin')
    with pytest.raises(ValueError, match='outside'):
        vision.CIFAR100(root=str(root), train=False)


def test_mnist_through_a_dataloader_with_to_tensor(tmp_path):
    images, labels = _mnist_files(str(tmp_path), n=5)
    ds = vision.MNIST(root=str(tmp_path)).transform_first(T.ToTensor())
    x, y = next(iter(DataLoader(ds, batch_size=4)))
    assert x.shape == (4, 1, 28, 28) and x.dtype == onp.float32
    onp.testing.assert_allclose(x.asnumpy()[:, 0], images[:4] / 255.0, rtol=1e-6)
    assert y.asnumpy().tolist() == labels[:4].tolist()


def test_to_tensor_normalize_cast_compose():
    img = onp.random.default_rng(0).integers(0, 256, (4, 5, 3)).astype(onp.uint8)
    t = T.ToTensor()(np.array(img, dtype='uint8')).asnumpy()
    onp.testing.assert_allclose(t, img.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    n = T.Normalize(mean=(0.1, 0.2, 0.3), std=(0.5, 0.25, 2.0))(np.array(t)).asnumpy()
    want = (t - onp.array([0.1, 0.2, 0.3]).reshape(3, 1, 1)) / onp.array(
        [0.5, 0.25, 2.0]).reshape(3, 1, 1)
    onp.testing.assert_allclose(n, want, rtol=1e-5)
    both = T.Compose([T.ToTensor(), T.Normalize(0.5, 0.5)])(np.array(img, dtype='uint8'))
    onp.testing.assert_allclose(both.asnumpy(), (t - 0.5) / 0.5, rtol=1e-5, atol=1e-6)
    assert T.Cast('float64')(np.array(img, dtype='uint8')).dtype == onp.float64
    batch = T.ToTensor()(np.array(onp.stack([img, img]), dtype='uint8'))
    assert batch.shape == (2, 3, 4, 5)


@pytest.mark.parametrize('src,dst', [((5, 7), (3, 4)), ((4, 4), (9, 6)), ((6, 3), (6, 3))])
def test_resize_matches_torch_bilinear(src, dst):
    torch = pytest.importorskip('torch')
    img = onp.random.default_rng(1).uniform(0, 255, src + (2,)).astype(onp.float32)
    got = T.Resize((dst[1], dst[0]))(np.array(img)).asnumpy()        # size = (w, h)
    want = torch.nn.functional.interpolate(
        torch.tensor(img.transpose(2, 0, 1)[None]), size=dst, mode='bilinear',
        align_corners=False).numpy()[0].transpose(1, 2, 0)
    onp.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)
    u8 = T.Resize((dst[1], dst[0]))(np.array(img.astype(onp.uint8), dtype='uint8'))
    assert u8.dtype == onp.uint8


def test_resize_keep_ratio_and_center_crop():
    img = np.array(onp.arange(6 * 10 * 1).reshape(6, 10, 1).astype(onp.float32))
    assert T.Resize(3, keep_ratio=True)(img).shape == (3, 5, 1)
    assert T.Resize(4)(img).shape == (4, 4, 1)
    crop = T.CenterCrop((4, 2))(img).asnumpy()
    onp.testing.assert_array_equal(crop, img.asnumpy()[2:4, 3:7])
    assert T.CenterCrop(20)(img).shape == (20, 20, 1)      # smaller image: resized


def test_random_transforms_are_seeded_and_shaped():
    img = np.array(onp.arange(8 * 6 * 3).reshape(8, 6, 3).astype(onp.uint8), dtype='uint8')
    onp.random.seed(0)
    a = T.RandomResizedCrop(4)(img).asnumpy()
    onp.random.seed(0)
    b = T.RandomResizedCrop(4)(img).asnumpy()
    assert a.shape == (4, 4, 3) and (a == b).all()
    flips = set()
    for s in range(20):
        onp.random.seed(s)
        out = T.RandomFlipLeftRight()(img).asnumpy()
        flips.add(bool((out == img.asnumpy()[:, ::-1]).all()))
        assert (out == img.asnumpy()).all() or (out == img.asnumpy()[:, ::-1]).all()
    assert flips == {True, False}
