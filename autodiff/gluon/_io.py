"""Parameter files: ``{name: array}`` saved as a NumPy ``.npz`` archive.

The format written (this library's choice) is an uncompressed zip of ``.npy`` files, one
per name, exactly what ``numpy.savez`` writes, so ``numpy.load(path)`` reads it too.  The
file is written at the path given, whatever its extension (``net.params`` stays
``net.params``).  Reading also takes MXNet's binary NDArray format (what MXNet 1.9.1's
``save_parameters``, ``export`` and the model zoo's pretrained files hold: a named array
list, ``autodiff.serialize``), told apart by its first bytes.
"""
import io
import struct

import numpy as _onp

from ..ndarray import ndarray
from .. import serialize


def save_arrays(filename, arrays):
    """Write ``{name: array}`` (autodiff or NumPy arrays) to ``filename``."""
    plain = {k: (v._data if isinstance(v, ndarray) else _onp.asarray(v))
             for k, v in arrays.items()}
    with open(filename, 'wb') as f:
        _onp.savez(f, **plain)


def load_arrays(filename):
    """Read ``{name: numpy array}`` back from a file written by ``save_arrays`` or by
    MXNet (its binary format of named arrays)."""
    with open(filename, 'rb') as f:
        buf = f.read()
    if len(buf) >= 8 and struct.unpack_from('<Q', buf)[0] == serialize.LIST_MAGIC:
        loaded = serialize.decode(buf, filename)
        if not isinstance(loaded, dict):
            raise ValueError(f"{filename!r} is an MXNet NDArray file of {len(loaded)} arrays "
                             "without names; a parameter file names each array")
        return {k: v._data for k, v in loaded.items()}
    try:
        with _onp.load(io.BytesIO(buf), allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception as err:
        raise ValueError(f"{filename!r} is not a parameter file written by autodiff "
                         f"(a NumPy .npz archive): {err}") from None
