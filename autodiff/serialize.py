"""``npx.save`` / ``npx.load``: arrays to a file in MXNet's binary NDArray-list format.

The format is the one MXNet 1.9.1's ``npx.save`` writes (``NDArray::Save`` of a list),
so files go both ways between MXNet and autodiff.  Little-endian throughout:

    uint64  0x112                     list magic (kMXAPINDArrayListMagic)
    uint64  0                         reserved
    uint64  n                         number of arrays, then n times:
        uint32  0xF993FACA            array magic (version 3: numpy shapes, 0-d allowed)
        int32   0                     storage type (dense)
        int32   ndim                  then ndim x int64 dimensions
        int32   dev_type, dev_id      the device (1, 0: cpu(0))
        int32   type_flag             0 float32, 1 float64, 2 float16, 3 uint8, 4 int32,
                                      5 int8, 6 int64, 7 bool, 8 int16, 9 uint16,
                                      10 uint32, 11 uint64 (8-11: later MXNet versions'
                                      codes; MXNet 1.9.1 itself reads 0-7 only)
        bytes   the values, C order
    uint64  k                         number of names (0 for a list, n for a dict), then
        uint64 length + UTF-8 bytes   k times

A dict is saved as its arrays plus their names (in the dict's order); a list or a single
array without names, and loads back as a list.  The reader also takes the older array
version 2 (0xF993FAC9, where ``ndim == 0`` meant an empty array), as MXNet does; sparse
arrays and version 1 files are refused with a clear error.
"""
import os
import struct

import numpy as _onp

from .errors import AutodiffError, DTypeError
from .ndarray import ndarray, wrap

LIST_MAGIC = 0x112
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA

_FLAGS = {0: _onp.float32, 1: _onp.float64, 2: _onp.float16, 3: _onp.uint8, 4: _onp.int32,
          5: _onp.int8, 6: _onp.int64, 7: _onp.bool_, 8: _onp.int16, 9: _onp.uint16,
          10: _onp.uint32, 11: _onp.uint64}
_CODES = {_onp.dtype(t): k for k, t in _FLAGS.items()}


class FormatError(AutodiffError, ValueError):
    """A file that is not (or not entirely) an MXNet NDArray list."""


def _path(file, where):
    if isinstance(file, os.PathLike):
        file = os.fspath(file)
    if not isinstance(file, str):
        raise TypeError(f"{where}: file must be a path (a str), got {type(file).__name__}")
    return file


def _entries(arr):
    """(arrays, names) of what ``save`` takes: an array, a list/tuple of arrays or a dict."""
    if isinstance(arr, ndarray):
        return [arr], []
    if isinstance(arr, dict):
        for k, v in arr.items():
            if not isinstance(k, str):
                raise TypeError(f"save: dict keys must be str, got {k!r}")
            if not isinstance(v, ndarray):
                raise TypeError(f"save: arr[{k!r}] must be an array, got {type(v).__name__}")
        return list(arr.values()), list(arr.keys())
    if isinstance(arr, (list, tuple)):
        for i, v in enumerate(arr):
            if not isinstance(v, ndarray):
                raise TypeError(f"save: arr[{i}] must be an array, got {type(v).__name__}")
        return list(arr), []
    raise TypeError(f"save: arr must be an array, a list of arrays or a dict of str to "
                    f"arrays, got {type(arr).__name__}")


def encode(arr):
    """The bytes ``save`` writes for ``arr`` (an array, a list of arrays or a dict)."""
    arrays, names = _entries(arr)
    parts = [struct.pack('<QQQ', LIST_MAGIC, 0, len(arrays))]
    for a in arrays:
        d = a._data
        code = _CODES.get(d.dtype)
        if code is None:
            raise DTypeError(f"save: dtype {d.dtype} has no code in MXNet's format")
        parts.append(struct.pack('<Iii', V3_MAGIC, 0, d.ndim))
        parts.append(struct.pack(f'<{d.ndim}q', *d.shape))
        parts.append(struct.pack('<iii', 1, 0, code))
        parts.append(_onp.ascontiguousarray(d).astype(d.dtype.newbyteorder('<'),
                                                     copy=False).tobytes())
    parts.append(struct.pack('<Q', len(names)))
    for n in names:
        b = n.encode('utf-8')
        parts.append(struct.pack('<Q', len(b)) + b)
    return b''.join(parts)


def save(file, arr):
    """Save an array, a list of arrays or a dict of str to arrays to ``file`` (MXNet 1.9.1's
    binary format, see the module docstring): dtypes and shapes round-trip through ``load``."""
    data = encode(arr)
    with open(_path(file, 'save'), 'wb') as f:
        f.write(data)


class _Reader:
    def __init__(self, buf, file):
        self.buf, self.pos, self.file = buf, 0, file

    def take(self, fmt):
        n = struct.calcsize(fmt)
        if self.pos + n > len(self.buf):
            raise FormatError(f"load: {self.file!r} ends early (truncated at byte "
                              f"{len(self.buf)}, needed {self.pos + n})")
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += n
        return out

    def array(self, i):
        (magic,) = self.take('<I')
        if magic not in (V2_MAGIC, V3_MAGIC):
            raise FormatError(f"load: array {i} of {self.file!r} has magic {magic:#x}: only "
                              f"MXNet's versions 2 and 3 ({V2_MAGIC:#x}, {V3_MAGIC:#x}) are read")
        stype, ndim = self.take('<ii')
        if stype != 0:
            raise FormatError(f"load: array {i} of {self.file!r} is sparse (storage type "
                              f"{stype}); only dense arrays are supported")
        if ndim < 0 or (ndim == 0 and magic == V2_MAGIC):
            return wrap(_onp.zeros((0,), _onp.float32))       # MXNet's "none" array
        shape = self.take(f'<{ndim}q')
        self.take('<ii')                                     # the device: all on the CPU
        (code,) = self.take('<i')
        if code not in _FLAGS:
            raise FormatError(f"load: array {i} of {self.file!r} has unknown type flag {code}")
        dt = _onp.dtype(_FLAGS[code]).newbyteorder('<')
        count = int(_onp.prod(shape, dtype=_onp.int64))
        nbytes = count * dt.itemsize
        if self.pos + nbytes > len(self.buf):
            raise FormatError(f"load: {self.file!r} ends inside array {i} (truncated)")
        d = _onp.frombuffer(self.buf, dt, count, self.pos).reshape(shape)
        self.pos += nbytes
        return wrap(d.astype(dt.newbyteorder('='), copy=True))


def decode(buf, file='<bytes>'):
    """The list or dict of arrays stored in ``buf`` (bytes in the format of ``save``)."""
    r = _Reader(buf, file)
    if len(buf) < 16 or struct.unpack_from('<Q', buf)[0] != LIST_MAGIC:
        raise FormatError(f"load: {file!r} is not an MXNet NDArray file (no list magic "
                          f"{LIST_MAGIC:#x} at its start)")
    r.take('<QQ')
    (n,) = r.take('<Q')
    arrays = [r.array(i) for i in range(n)]
    (k,) = r.take('<Q')
    names = []
    for _ in range(k):
        (m,) = r.take('<Q')
        if r.pos + m > len(buf):
            raise FormatError(f"load: {file!r} ends inside a name (truncated)")
        names.append(bytes(buf[r.pos:r.pos + m]).decode('utf-8'))
        r.pos += m
    if r.pos != len(buf):
        raise FormatError(f"load: {file!r} has {len(buf) - r.pos} bytes after its last entry")
    if not names:
        return arrays
    if len(names) != len(arrays):
        raise FormatError(f"load: {file!r} has {len(arrays)} arrays but {len(names)} names")
    return dict(zip(names, arrays))


def load(file):
    """The arrays ``save`` wrote to ``file``: a list (saved from an array or a list) or a
    dict of str to arrays.  Files written by MXNet 1.9.1's ``npx.save`` load too."""
    with open(_path(file, 'load'), 'rb') as f:
        buf = f.read()
    return decode(buf, file)
