"""Scatter-add: the backward of integer-array indexing, where repeated indices accumulate."""
from ._jit import kernel


@kernel
def scatter_add_rows(out, index, src):
    """out[index[i], :] += src[i, :] for 2-D ``out`` / ``src`` and 1-D int ``index``."""
    cols = out.shape[1]
    for i in range(index.size):
        row = index[i]
        for c in range(cols):
            out[row, c] += src[i, c]
