"""Parameter files: ``{name: array}`` saved as a NumPy ``.npz`` archive.

The format (this library's choice; MXNet's own binary NDArray format is not readable here)
is an uncompressed zip of ``.npy`` files, one per name, exactly what ``numpy.savez``
writes, so ``numpy.load(path)`` reads it too.  The file is written at the path given,
whatever its extension (``net.params`` stays ``net.params``).
"""
import numpy as _onp

from ..ndarray import ndarray


def save_arrays(filename, arrays):
    """Write ``{name: array}`` (autodiff or NumPy arrays) to ``filename``."""
    plain = {k: (v._data if isinstance(v, ndarray) else _onp.asarray(v))
             for k, v in arrays.items()}
    with open(filename, 'wb') as f:
        _onp.savez(f, **plain)


def load_arrays(filename):
    """Read ``{name: numpy array}`` back from a file written by ``save_arrays``."""
    try:
        with _onp.load(filename, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise
    except Exception as err:
        raise ValueError(f"{filename!r} is not a parameter file written by autodiff "
                         f"(a NumPy .npz archive): {err}") from None
