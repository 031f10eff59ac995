"""Numba kernels: plain NumPy arrays in, plain arrays out.

Nothing in this package imports from the rest of ``autodiff``.  Every kernel is
``@kernel`` (``_jit.py``: njit, nogil, a disk cache that cannot break, built at its first
call so that importing the package does not import Numba) and works on 1-D C-contiguous
arrays (or 2-D for reductions); the op layer ravels, broadcasts and chunks before calling.
Elementwise kernels select their operation with an integer opcode so that one
cached compilation per dtype serves every op (a large saving at start-up).
"""
