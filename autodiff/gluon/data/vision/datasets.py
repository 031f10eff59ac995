"""Image datasets read from local files: ``MNIST``, ``FashionMNIST``, ``CIFAR10``,
``CIFAR100`` (MXNet 1.9.1's classes; nothing is downloaded).

Put the standard files in ``root``:

- MNIST / FashionMNIST: ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
  ``t10k-images-idx3-ubyte.gz``, ``t10k-labels-idx1-ubyte.gz`` (the IDX format; the
  names without ``.gz`` are read too).
- CIFAR-10: ``cifar-10-batches-bin/data_batch_1.bin`` ... ``data_batch_5.bin`` and
  ``test_batch.bin`` (the binary version: per image 1 label byte + 3072 pixel bytes), or the
  archive ``cifar-10-binary.tar.gz`` in ``root``, which is extracted.
- CIFAR-100: ``cifar-100-binary/train.bin`` / ``test.bin`` (2 label bytes, coarse then
  fine, + 3072), or ``cifar-100-binary.tar.gz``.

Samples are ``(image, label)``: a uint8 ``(28, 28, 1)`` / ``(32, 32, 3)`` HWC array and an
int32 label; ``transform(data, label)`` is applied on access when given.
"""
import gzip
import os
import struct
import tarfile

import numpy as _onp

from .... import np
from ..dataset import Dataset

__all__ = ['MNIST', 'FashionMNIST', 'CIFAR10', 'CIFAR100']


class _Missing(FileNotFoundError):
    pass


def _extract(tar, root):
    """Extract ``tar`` under ``root`` refusing members that would land outside it or are not
    plain files or folders (tarfile's 'data' filter where this Python has it: 3.11.4+)."""
    if hasattr(tarfile, 'data_filter'):
        tar.extractall(root, filter='data')
        return
    base = os.path.realpath(root)
    for m in tar.getmembers():
        dest = os.path.realpath(os.path.join(base, m.name))
        if not (m.isfile() or m.isdir()) or os.path.commonpath([base, dest]) != base:
            raise ValueError(f"{tar.name}: refusing to extract {m.name!r} (a link, device or "
                             f"a path outside {root})")
    tar.extractall(root)


def _missing(cls, root, names, url_hint):
    return _Missing(
        f"{cls}: the dataset files are not in {root!r}: expected {', '.join(names)}. "
        f"No download happens here: fetch them ({url_hint}) and put them in that folder, "
        f"or pass root= the folder that holds them.")


def _open_maybe_gz(path):
    if os.path.exists(path):
        return gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb')
    plain = path[:-3] if path.endswith('.gz') else path
    if os.path.exists(plain):
        return open(plain, 'rb')
    return None


def read_idx(f):
    """Read an IDX file (``magic 0x00 0x00 dtype ndim``, big-endian sizes, data)."""
    zero, dtype_code, ndim = struct.unpack('>HBB', f.read(4))
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"not an unsigned-byte IDX file (magic {zero:#x} {dtype_code:#x})")
    shape = struct.unpack('>' + 'I' * ndim, f.read(4 * ndim))
    data = _onp.frombuffer(f.read(), dtype=_onp.uint8)
    if data.size != int(_onp.prod(shape)):
        raise ValueError(f"IDX file truncated: header says {shape}, found {data.size} bytes")
    return data.reshape(shape)


class _ImageDataset(Dataset):
    def __init__(self, root, train, transform):
        self._root = os.path.expanduser(root)
        self._train = train
        self._transform = transform
        self._data, self._label = self._get_data()

    def __getitem__(self, idx):
        data, label = np.array(self._data[idx], dtype=_onp.uint8), self._label[idx]
        if self._transform is not None:
            return self._transform(data, label)
        return data, label

    def __len__(self):
        return len(self._label)


class MNIST(_ImageDataset):
    """The MNIST digits from the IDX files in ``root`` (see the module docstring)."""

    _files = {True: ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
              False: ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')}
    _hint = "http://yann.lecun.com/exdb/mnist/"

    def __init__(self, root=os.path.join('~', '.mxnet', 'datasets', 'mnist'), train=True,
                 transform=None):
        super().__init__(root, train, transform)

    def _get_data(self):
        img_name, lbl_name = self._files[self._train]
        fi = _open_maybe_gz(os.path.join(self._root, img_name))
        fl = _open_maybe_gz(os.path.join(self._root, lbl_name))
        if fi is None or fl is None:
            for f in (fi, fl):
                if f is not None:
                    f.close()
            raise _missing(type(self).__name__, self._root, (img_name, lbl_name), self._hint)
        with fi, fl:
            images, labels = read_idx(fi), read_idx(fl)
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{type(self).__name__}: {img_name} holds {images.shape} and "
                             f"{lbl_name} {labels.shape}: expected (N, 28, 28) and (N,)")
        return images.reshape(images.shape + (1,)), labels.astype(_onp.int32)


class FashionMNIST(MNIST):
    """Fashion-MNIST (the same IDX file names as MNIST, in its own ``root``)."""

    _hint = "https://github.com/zalandoresearch/fashion-mnist"

    def __init__(self, root=os.path.join('~', '.mxnet', 'datasets', 'fashion-mnist'),
                 train=True, transform=None):
        super().__init__(root, train, transform)


class CIFAR10(_ImageDataset):
    """CIFAR-10 from the binary batches in ``root`` (see the module docstring)."""

    _archive = 'cifar-10-binary.tar.gz'
    _folder = 'cifar-10-batches-bin'
    _label_bytes = 1
    _hint = "https://www.cs.toronto.edu/~kriz/cifar.html, the binary version"

    def __init__(self, root=os.path.join('~', '.mxnet', 'datasets', 'cifar10'), train=True,
                 transform=None):
        super().__init__(root, train, transform)

    def _names(self):
        if self._train:
            return [f'data_batch_{i}.bin' for i in range(1, 6)]
        return ['test_batch.bin']

    def _read(self, path):
        raw = _onp.fromfile(path, dtype=_onp.uint8)
        rec = self._label_bytes + 3072
        if raw.size % rec:
            raise ValueError(f"{path}: {raw.size} bytes is not a whole number of {rec}-byte "
                             "records")
        raw = raw.reshape(-1, rec)
        data = raw[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return data, raw[:, self._label_bytes - 1].astype(_onp.int32)

    def _get_data(self):
        folder = os.path.join(self._root, self._folder)
        names = self._names()
        paths = [os.path.join(folder, n) for n in names]
        if not all(os.path.exists(p) for p in paths):
            archive = os.path.join(self._root, self._archive)
            if os.path.exists(archive):
                with tarfile.open(archive) as tar:
                    _extract(tar, self._root)
            if not all(os.path.exists(p) for p in paths):
                raise _missing(type(self).__name__, self._root,
                               [os.path.join(self._folder, n) for n in names] +
                               [f'(or {self._archive})'], self._hint)
        parts = [self._read(p) for p in paths]
        return (_onp.concatenate([d for d, _ in parts]),
                _onp.concatenate([lab for _, lab in parts]))


class CIFAR100(CIFAR10):
    """CIFAR-100 (``fine_label=True`` for the 100 fine classes, else the 20 coarse)."""

    _archive = 'cifar-100-binary.tar.gz'
    _folder = 'cifar-100-binary'
    _label_bytes = 2

    def __init__(self, root=os.path.join('~', '.mxnet', 'datasets', 'cifar100'),
                 fine_label=False, train=True, transform=None):
        self._fine_label = fine_label
        super().__init__(root, train, transform)

    def _names(self):
        return ['train.bin' if self._train else 'test.bin']

    def _read(self, path):
        data, _ = super()._read(path)
        raw = _onp.fromfile(path, dtype=_onp.uint8).reshape(-1, 3074)
        return data, raw[:, 1 if self._fine_label else 0].astype(_onp.int32)
