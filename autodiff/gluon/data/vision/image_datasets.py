"""``ImageRecordDataset`` and ``ImageFolderDataset`` (MXNet 1.9.1's names): images from a
RecordIO file or from one folder per class, decoded with Pillow (MXNet uses OpenCV).

Images come out as uint8 HWC arrays: RGB ``(H, W, 3)`` with ``flag=1``, grayscale
``(H, W, 1)`` with ``flag=0``.  ``transform(image, label)`` is applied on access when
given.
"""
import os
import warnings

from .... import np
from ....image._codec import decode_array
from ..dataset import Dataset, RecordFileDataset
from ..recordio import unpack

__all__ = ['ImageRecordDataset', 'ImageFolderDataset', 'imdecode']


def imdecode(buf, flag=1, what='image'):
    """Decode encoded image bytes (JPEG, PNG, ...) to a uint8 HWC array (see the module
    docstring for ``flag``; the decoding is ``autodiff.image``'s)."""
    return np.array(decode_array(buf, flag, what=what), dtype='uint8')


class ImageRecordDataset(RecordFileDataset):
    """``(image, label)`` samples from a RecordIO file of packed image records
    (``gluon.data.recordio.pack``: a header with the label, then the encoded image)."""

    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        header, img = unpack(super().__getitem__(idx))
        img = imdecode(img, self._flag, f'record {idx} of {self.filename}')
        if self._transform is not None:
            return self._transform(img, header.label)
        return img, header.label


class ImageFolderDataset(Dataset):
    """``(image, label)`` samples from ``root/<class>/<image>`` files (.jpg, .jpeg, .png);
    ``synsets`` lists the class folders (sorted; label i is ``synsets[i]``), ``items``
    the ``(path, label)`` pairs."""

    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        if not os.path.isdir(self._root):
            raise FileNotFoundError(f"ImageFolderDataset: {self._root!r} is not a folder")
        self._flag = flag
        self._transform = transform
        self._exts = ['.jpg', '.jpeg', '.png']
        self._list_images(self._root)

    def _list_images(self, root):
        self.synsets, self.items = [], []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(f'Ignoring {path}, which is not a directory.', stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(f"Ignoring {filename} of type {ext}. Only support "
                                  f"{', '.join(self._exts)}")
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx):
        path, label = self.items[idx]
        with open(path, 'rb') as f:
            img = imdecode(f.read(), self._flag, path)
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self):
        return len(self.items)
