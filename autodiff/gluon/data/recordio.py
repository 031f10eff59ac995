"""MXNet's RecordIO files (``.rec`` with an ``.idx`` index), read and written in pure
Python, and the image-record header (``pack`` / ``unpack``, MXNet's ``IRHeader``).

A record is the magic number ``0xced7230a`` (little-endian uint32), a uint32 whose low
29 bits are the length and top 3 bits a continuation flag, then the payload padded with
zeros to a multiple of 4 bytes.  A payload that holds the magic number at a 4-byte
aligned offset is written as parts (flags 1 = first, 2 = middle, 3 = last) with the magic
numbers left out; reading puts them back.  The ``.idx`` file has one ``key<TAB>offset``
line per record.
"""
import collections
import os
import struct

import numpy as _onp

__all__ = ['IndexedRecordFile', 'write_indexed', 'IRHeader', 'pack', 'unpack']

_MAGIC = 0xced7230a
_MAGIC_BYTES = struct.pack('<I', _MAGIC)

IRHeader = collections.namedtuple('HEADER', ['flag', 'label', 'id', 'id2'])
IRHeader.__doc__ = """Image record header: ``flag`` (0, or the number of float labels),
``label`` (a float, or an array of ``flag`` floats), ``id``, ``id2``."""
_IR_FORMAT = '<IfQQ'
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def _read_record(f, offset, name):
    """The payload of the record starting at ``offset`` (parts joined)."""
    f.seek(offset)
    parts = []
    while True:
        head = f.read(8)
        if len(head) < 8:
            raise ValueError(f"{name}: truncated record at offset {f.tell() - len(head)}")
        magic, lrec = struct.unpack('<II', head)
        if magic != _MAGIC:
            raise ValueError(f"{name}: not a RecordIO record at offset {f.tell() - 8} "
                             f"(magic {magic:#x}, expected {_MAGIC:#x})")
        cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
        data = f.read(length)
        if len(data) < length:
            raise ValueError(f"{name}: truncated record payload at offset {f.tell()}")
        f.read((4 - length % 4) % 4)
        parts.append(data)
        if cflag in (0, 3):
            return _MAGIC_BYTES.join(parts)
        if cflag == 1 and len(parts) > 1:
            raise ValueError(f"{name}: a record part flagged 'first' inside a record")


class IndexedRecordFile:
    """Random access to the records of ``rec_file`` by the keys of ``idx_file``
    (``keys`` in file order; ``read_idx(key)`` returns the payload as bytes)."""

    def __init__(self, idx_file, rec_file):
        self.idx_file, self.rec_file = idx_file, rec_file
        for path in (idx_file, rec_file):
            if not os.path.isfile(path):
                raise FileNotFoundError(f"RecordIO: no such file {path!r} (a .rec file "
                                        "needs its .idx index beside it)")
        self.idx, self.keys = {}, []
        with open(idx_file) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                fields = line.split('\t')
                if len(fields) != 2:
                    raise ValueError(f"{idx_file}:{n}: expected 'key<TAB>offset', got "
                                     f"{line!r}")
                key = int(fields[0])
                self.idx[key] = int(fields[1])
                self.keys.append(key)
        self._file = open(rec_file, 'rb')

    def read_idx(self, key):
        """The payload of the record with index key ``key``."""
        return _read_record(self._file, self.idx[key], self.rec_file)

    def close(self):
        """Close the record file."""
        self._file.close()

    def __del__(self):
        f = getattr(self, '_file', None)
        if f is not None:
            f.close()


def _encode(payload):
    """The bytes of one record (split where the payload holds the magic number)."""
    cuts, pos = [], 0
    while True:
        i = payload.find(_MAGIC_BYTES, pos)
        while i != -1 and i % 4:
            i = payload.find(_MAGIC_BYTES, i + 1)
        if i == -1:
            break
        cuts.append(i)
        pos = i + 4
    pieces, start = [], 0
    for i in cuts:
        pieces.append(payload[start:i])
        start = i + 4
    pieces.append(payload[start:])
    out = bytearray()
    for k, piece in enumerate(pieces):
        cflag = 0 if len(pieces) == 1 else 1 if k == 0 else 3 if k == len(pieces) - 1 else 2
        out += struct.pack('<II', _MAGIC, (cflag << 29) | len(piece)) + piece
        out += b'\x00' * ((4 - len(piece) % 4) % 4)
    return bytes(out)


def write_indexed(idx_file, rec_file, records):
    """Write ``records`` (``(key, payload bytes)`` pairs) as MXNet's .rec/.idx pair."""
    with open(rec_file, 'wb') as rec, open(idx_file, 'w') as idx:
        for key, payload in records:
            idx.write(f'{int(key)}\t{rec.tell()}\n')
            rec.write(_encode(bytes(payload)))


def pack(header, s):
    """An image record's payload: the header (and float labels when ``flag`` > 0)
    followed by the bytes ``s``."""
    header = IRHeader(*header)
    if isinstance(header.label, (int, float)):
        header = header._replace(flag=0)
        return struct.pack(_IR_FORMAT, *header) + s
    label = _onp.asarray(header.label, dtype=_onp.float32)
    header = header._replace(flag=label.size, label=0)
    return struct.pack(_IR_FORMAT, *header) + label.tobytes() + s


def unpack(s):
    """``(IRHeader, bytes)`` from an image record's payload (see ``pack``)."""
    if len(s) < _IR_SIZE:
        raise ValueError(f"unpack: an image record needs at least {_IR_SIZE} bytes, got "
                         f"{len(s)}")
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        header = header._replace(label=_onp.frombuffer(s, _onp.float32, header.flag).copy())
        s = s[header.flag * 4:]
    return header, s
