"""Decoding image bytes and files to uint8 HWC arrays, with Pillow (MXNet 1.9.1 decodes
with OpenCV inside libmxnet).

PNG, BMP and other lossless formats decode to the same pixels as MXNet's; JPEG goes through
Pillow's libjpeg, whose IDCT and chroma upsampling may differ from OpenCV's by a few levels.
``flag=0`` gives one gray channel: Pillow's ``L`` conversion (``(299 R + 587 G + 114 B) /
1000``) where OpenCV uses ``0.299 R + 0.587 G + 0.114 B`` in 14-bit fixed point; the two can
differ by 1.
"""
import io
import os

import numpy as _onp

from .. import np
from ..ndarray import ndarray as _ndarray

__all__ = ['imdecode', 'imread', 'decode_array']


def _buffer(buf):
    """``buf`` (bytes, bytearray, a NumPy uint8 array or an autodiff array) as bytes."""
    if isinstance(buf, (bytes, bytearray, memoryview)):
        return bytes(buf)
    if isinstance(buf, _ndarray):
        buf = buf.asnumpy()
    if isinstance(buf, _onp.ndarray):
        return _onp.ascontiguousarray(buf, dtype=_onp.uint8).tobytes()
    raise TypeError("imdecode: buf must be bytes, bytearray or a numpy.ndarray of uint8 "
                    f"(encoded image data), got {type(buf).__name__}; to decode a str, "
                    "encode it to bytes first")


def decode_array(buf, flag=1, to_rgb=True, what='image'):
    """Decode encoded image bytes to a NumPy uint8 array: ``(H, W, 3)`` RGB (BGR with
    ``to_rgb=False``) for ``flag=1``, ``(H, W, 1)`` gray for ``flag=0``."""
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("decoding images needs Pillow (pip install pillow), which is not "
                          "installed") from e
    data = _buffer(buf)
    if not data:
        raise ValueError(f"cannot decode {what}: the buffer is empty")
    try:
        img = Image.open(io.BytesIO(data))
        img = img.convert('RGB' if flag else 'L')
    except Exception as e:          # Pillow raises several types for bad data
        raise ValueError(f"cannot decode {what}: {e}") from e
    a = _onp.asarray(img, dtype=_onp.uint8)
    if not flag:
        return a[:, :, None]
    return a if to_rgb else _onp.ascontiguousarray(a[:, :, ::-1])


def _out(a, out):
    if out is None:
        return np.array(a, dtype='uint8')
    if not isinstance(out, _ndarray) or out.shape != a.shape:
        raise ValueError(f"out must be an array of shape {a.shape}, got "
                         f"{getattr(out, 'shape', type(out).__name__)}")
    out[...] = np.array(a, dtype='uint8')
    return out


def imdecode(buf, flag=1, to_rgb=True, out=None):
    """Decode an encoded image (JPEG, PNG, ...) in ``buf`` (bytes, bytearray or a NumPy
    uint8 array) to a uint8 ``(H, W, C)`` array: 3 RGB channels with ``flag=1`` (BGR with
    ``to_rgb=False``), one gray channel with ``flag=0``.  Bad data raises ``ValueError``."""
    return _out(decode_array(buf, flag, to_rgb), out)


def imread(filename, flag=1, to_rgb=True, out=None):
    """Read and decode the image file ``filename`` (see ``imdecode``); a missing file raises
    ``FileNotFoundError`` naming it."""
    path = os.path.expanduser(os.fspath(filename))
    if not os.path.isfile(path):
        raise FileNotFoundError(f"imread: no such image file {path!r}")
    with open(path, 'rb') as f:
        data = f.read()
    return _out(decode_array(data, flag, to_rgb, what=repr(path)), out)
