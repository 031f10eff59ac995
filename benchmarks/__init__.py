"""Benchmarks for autodiff against its peers (PyTorch CPU, HIPS autograd, JAX, NumPy).

Run ``python -m benchmarks`` (or ``python benchmarks/run.py``); see README.md here.
This package imports nothing heavy at import time: the subprocess workloads rely on it.
"""
