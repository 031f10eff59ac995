"""``ImageIter`` (MXNet 1.9.1's ``mxnet.image.ImageIter``): batches of augmented images
from a RecordIO file (``.rec``, with its ``.idx`` for shuffling and partitions), from an
``.lst`` file with a root folder, or from a list of ``[label..., path]`` entries.

Each batch is an ``autodiff.io.DataBatch``: ``data[0]`` float32 ``(batch, C, H, W)``,
``label[0]`` ``(batch,)`` (or ``(batch, label_width)``), ``pad`` the number of samples
that only fill the last batch (``last_batch_handle='pad'`` wraps around to the first
images; ``'discard'`` drops a short batch; ``'roll_over'`` carries it into the next
epoch).  Shuffling draws from ``autodiff.random``'s seedable generator.
"""
import logging
import os
import struct

import numpy as _onp

from .. import random as _random
from ..errors import ShapeError
from ..io import DataBatch, DataIter
from ..ndarray import ndarray as _ndarray, wrap as _wrap
from ._codec import decode_array

__all__ = ['ImageIter']

_MAGIC = 0xced7230a


class _SequentialRecords:
    """The records of a ``.rec`` file in file order (``read()`` -> bytes or None at the
    end; ``reset()``), for a file without its ``.idx``."""

    def __init__(self, path):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"ImageIter: no such RecordIO file {path!r}")
        self.path = path
        self._file = open(path, 'rb')
        head = self._file.read(4)
        if len(head) == 4 and struct.unpack('<I', head)[0] != _MAGIC:
            raise ValueError(f"ImageIter: {path!r} is not a RecordIO file (it does not start "
                             "with the RecordIO magic number)")
        self._pos = 0

    def reset(self):
        """Back to the first record."""
        self._pos = 0

    def read(self):
        """The next record's payload, or None after the last one."""
        from ..gluon.data.recordio import _read_record  # (Gluon's reader; loaded on use)
        self._file.seek(0, os.SEEK_END)
        if self._pos >= self._file.tell():
            return None
        data = _read_record(self._file, self._pos, self.path)
        self._pos = self._file.tell()
        return data


def _unpack(s):
    from ..gluon.data.recordio import unpack  # (Gluon's image-record header; loaded on use)
    return unpack(s)


def _open_indexed(idx, rec):
    from ..gluon.data.recordio import IndexedRecordFile  # (loaded on use)
    return IndexedRecordFile(idx, rec)


def _label(values, dtype):
    return _onp.asarray(values, dtype=dtype).reshape(-1)


class ImageIter(DataIter):
    """Batches of augmented images (see the module docstring).

    ``data_shape = (3, H, W)``; ``aug_list`` (default ``CreateAugmenter(data_shape,
    **kwargs)``, e.g. ``resize=``, ``rand_crop=``, ``rand_mirror=``, ``mean=True``) maps
    each decoded uint8 HWC image to an ``(H, W, 3)`` one; labels are ``dtype`` values
    (``label_width`` per image)."""

    def __init__(self, batch_size, data_shape, label_width=1, path_imgrec=None,
                 path_imglist=None, path_root=None, path_imgidx=None, shuffle=False,
                 part_index=0, num_parts=1, aug_list=None, imglist=None, data_name='data',
                 label_name='softmax_label', dtype='float32', last_batch_handle='pad',
                 **kwargs):
        super().__init__(batch_size)
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise ValueError("ImageIter: give path_imgrec, path_imglist or imglist")
        if dtype not in ('int32', 'float32', 'int64', 'float64'):
            raise TypeError(f"ImageIter: label dtype {dtype!r} is not supported (int32, "
                            "float32, int64 or float64)")
        if last_batch_handle not in ('pad', 'discard', 'roll_over'):
            raise ValueError("ImageIter: last_batch_handle must be 'pad', 'discard' or "
                             f"'roll_over', got {last_batch_handle!r}")
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"ImageIter: batch_size must be a positive int, got {batch_size!r}")
        self.imgrec, self.imgidx = None, None
        if path_imgrec:
            if path_imgidx:
                self.imgrec = _open_indexed(path_imgidx, path_imgrec)
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = _SequentialRecords(path_imgrec)
        imgkeys = None
        self.imglist = None
        self.label_width = label_width
        if path_imglist:
            if not os.path.isfile(path_imglist):
                raise FileNotFoundError(f"ImageIter: no such image list {path_imglist!r}")
            self.imglist, imgkeys = {}, []
            with open(path_imglist) as fin:
                for n, line in enumerate(fin, 1):
                    fields = line.strip().split('\t')
                    if len(fields) < 3:
                        if line.strip():
                            raise ValueError(f"{path_imglist}:{n}: expected 'index<TAB>"
                                             f"label...<TAB>path', got {line.strip()!r}")
                        continue
                    key = int(fields[0])
                    label = _label(fields[1:-1], dtype)
                    self._check_label_width(label, f"{path_imglist}:{n}")
                    self.imglist[key] = (label, fields[-1])
                    imgkeys.append(key)
        elif isinstance(imglist, list):
            self.imglist, imgkeys = {}, []
            for index, img in enumerate(imglist, 1):
                key = str(index)
                label = _label(img[:-1] if len(img) > 2 else img[0], dtype)
                self._check_label_width(label, f"imglist[{index - 1}]")
                self.imglist[key] = (label, img[-1])
                imgkeys.append(key)
        self.path_root = path_root
        self.check_data_shape(data_shape)
        self.provide_data = [(data_name, (batch_size,) + tuple(data_shape))]
        if label_width > 1:
            self.provide_label = [(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [(label_name, (batch_size,))]
        self.data_shape = tuple(data_shape)
        self.label_dtype = dtype
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq = imgkeys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise ValueError("ImageIter: shuffle and num_parts > 1 need the record "
                                 "file's index (path_imgidx)")
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            if not 0 <= part_index < num_parts:
                raise ValueError(f"ImageIter: part_index {part_index} is not in "
                                 f"[0, {num_parts})")
            c = len(self.seq) // num_parts
            self.seq = self.seq[part_index * c:(part_index + 1) * c]
        if aug_list is None:
            from .image import CreateAugmenter  # (image.py imports this module)
            self.auglist = CreateAugmenter(data_shape, **kwargs)
        else:
            self.auglist = aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data = self._cache_label = self._cache_idx = None
        self.reset()

    def reset(self):
        """Start a new epoch (reshuffled with ``shuffle=True``)."""
        if self.seq is not None and self.shuffle:
            order = _random._gen().permutation(len(self.seq))
            self.seq = [self.seq[i] for i in order]
        if self.last_batch_handle != 'roll_over' or self._cache_data is None:
            if self.imgrec is not None and hasattr(self.imgrec, 'reset'):
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Start a new epoch and drop a rolled-over partial batch."""
        self._cache_data = self._cache_label = self._cache_idx = None
        self.reset()

    def next_sample(self):
        """The next ``(label, encoded image bytes)``; ``StopIteration`` at the end."""
        if not self._allow_read:
            raise StopIteration
        if self.seq is not None:
            if self.cur >= self.num_image:
                if self.last_batch_handle != 'discard':
                    self.cur = 0
                raise StopIteration
            idx = self.seq[self.cur]
            self.cur += 1
            if self.imgrec is not None:
                header, img = _unpack(self.imgrec.read_idx(idx))
                if self.imglist is None:
                    return header.label, img
                return self.imglist[idx][0], img
            label, fname = self.imglist[idx]
            return label, self.read_image(fname)
        s = self.imgrec.read()
        if s is None:
            if self.last_batch_handle != 'discard':
                self.imgrec.reset()
            raise StopIteration
        header, img = _unpack(s)
        return header.label, img

    def _check_label_width(self, label, where):
        """A list entry's labels must be ``label_width`` values."""
        if label.size != self.label_width:
            raise ValueError(f"ImageIter: {where} has {label.size} label value(s), but "
                             f"label_width={self.label_width}")

    def _new_label(self):
        return _onp.zeros(self.provide_label[0][1], dtype=_onp.float32)

    def _put_label(self, batch_label, i, label):
        batch_label[i] = _onp.asarray(label, dtype=_onp.float32).reshape(
            batch_label.shape[1:]) if batch_label.ndim > 1 else _onp.asarray(label).reshape(-1)[0]

    def _batchify(self, batch_data, batch_label, start=0):
        """Fill the batch from ``start``; returns how many samples it holds."""
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError as e:
                    logging.debug('Invalid image, skipping: %s', e)
                    continue
                data = self.augmentation_transform(data)
                batch_data[i] = self._chw(data)
                self._put_label(batch_label, i, label)
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def next(self):
        """The next ``DataBatch`` (``StopIteration`` at the end of the epoch)."""
        if self._cache_data is not None:
            batch_data, batch_label, i = self._cache_data, self._cache_label, self._cache_idx
        else:
            batch_data = _onp.zeros((self.batch_size,) + self.data_shape, dtype=_onp.float32)
            batch_label = self._new_label()
            i = self._batchify(batch_data, batch_label)
        pad = self.batch_size - i
        if pad:
            if self.last_batch_handle == 'discard':
                raise StopIteration
            if self.last_batch_handle == 'roll_over' and self._cache_data is None:
                self._cache_data, self._cache_label, self._cache_idx = batch_data, batch_label, i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == 'pad':
                self._allow_read = False
            else:
                self._cache_data = self._cache_label = self._cache_idx = None
        return DataBatch([_wrap(batch_data)], [_wrap(batch_label)], pad=pad)

    def check_data_shape(self, data_shape):
        """``data_shape`` must be ``(3, H, W)``."""
        if len(data_shape) != 3:
            raise ValueError('data_shape should have length 3, with dimensions CxHxW')
        if data_shape[0] != 3:
            raise ValueError('This iterator expects inputs to have 3 channels.')

    def check_valid_image(self, data):
        """Raise ``RuntimeError`` for an empty image (it is skipped)."""
        if len(data[0].shape) == 0:
            raise RuntimeError('Data shape is wrong')

    def imdecode(self, s):
        """Decode one sample's bytes (``RuntimeError`` naming the image if broken)."""
        try:
            return _wrap(decode_array(s))
        except ValueError as e:
            if self.seq is not None:
                idx = self.seq[(self.cur - 1) % self.num_image]
            else:
                idx = self.cur - 1
            where = (f'filename: {self.imglist[idx][1]}' if self.imglist is not None
                     else f'index: {idx}')
            raise RuntimeError(f'Broken image {where}, {e}') from e

    def read_image(self, fname):
        """The bytes of ``path_root/fname``."""
        path = os.path.join(self.path_root or '', fname)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"ImageIter: no such image file {path!r}")
        with open(path, 'rb') as fin:
            return fin.read()

    def augmentation_transform(self, data):
        """Apply the augmenters in order."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def _chw(self, datum):
        a = datum._data if isinstance(datum, _ndarray) else _onp.asarray(datum)
        c, h, w = self.data_shape
        if a.shape != (h, w, c):
            raise ShapeError(f"{type(self).__name__}: an augmented image has shape {a.shape}, "
                             f"but data_shape {self.data_shape} needs ({h}, {w}, {c}); "
                             "add a crop or resize augmenter")
        return a.transpose(2, 0, 1)

    def postprocess_data(self, datum):
        """HWC -> CHW."""
        return _wrap(_onp.ascontiguousarray(self._chw(datum)))
