"""Decoding image bytes and files to uint8 HWC arrays, with Pillow (MXNet 1.9.1 decodes
with OpenCV inside libmxnet).

PNG, BMP and other lossless formats decode to the same pixels as MXNet's; JPEG goes through
Pillow's libjpeg, whose IDCT and chroma upsampling may differ from OpenCV's by a few levels.
``flag=0`` gives one gray channel as OpenCV's decoders make it: a JPEG's luma plane as
libjpeg decodes it (Pillow's ``draft('L')``), an RGB PNG through libpng's
``rgb_to_gray`` (``(9797 R + 19234 G + 3737 B) >> 15``), anything else Pillow's ``L``.
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
        if flag:
            a = _onp.asarray(img.convert('RGB'), dtype=_onp.uint8)
        else:
            a = _gray(img)
    except Exception as e:          # Pillow raises several types for bad data
        raise ValueError(f"cannot decode {what}: {e}") from e
    if not flag:
        return a[:, :, None]
    return a if to_rgb else _onp.ascontiguousarray(a[:, :, ::-1])


def _gray(img):
    """One gray plane as OpenCV's ``IMREAD_GRAYSCALE`` (see the module docstring)."""
    if img.format == 'JPEG':
        img.draft('L', img.size)
    elif img.format == 'PNG' and img.mode in ('RGB', 'RGBA'):
        rgb = _onp.asarray(img.convert('RGB'), dtype=_onp.int64)
        return ((9797 * rgb[..., 0] + 19234 * rgb[..., 1] + 3737 * rgb[..., 2]) >> 15
                ).astype(_onp.uint8)
    return _onp.asarray(img.convert('L'), dtype=_onp.uint8)


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
