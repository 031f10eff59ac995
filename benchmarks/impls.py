"""Which implementations can run here, and why not when they cannot.

Peers are optional: each is imported on first use, and a failed import turns into a skip
reason that the runner prints, never into an error.
"""
import importlib
import os

# Name used in tables -> module whose import decides availability.
LIBRARY = {
    "autodiff": "autodiff",
    "autodiff.compile": "autodiff",  # autograd.compile: recorded once, replayed as one fused kernel
    "autodiff.hybrid": "autodiff",  # a hybridized Gluon Block (W7, W8)
    "torch": "torch",
    "autograd": "autograd",  # HIPS autograd
    "jax": "jax",  # eager: jax.grad without jit, op by op
    "jax.jit": "jax",  # jax.jit(jax.grad(f)), compiled once during warm-up
    "numpy.fwd": "numpy",  # forward only, no gradient: the floor
    "numpy.copy": "numpy",  # a plain copy of the input: the memory-bandwidth floor
}

ORDER = list(LIBRARY)
PEERS = [name for name in ORDER if name != "autodiff"]

# Names a library must provide before its entries run (autodiff may be a half-written
# directory, which Python imports as an empty namespace package).
REQUIRED = {"autodiff": ("np", "npx", "autograd")}
DISTRIBUTION = {"autograd": "autograd", "jax": "jax", "torch": "torch", "numpy": "numpy",
                "autodiff": "autodiff"}

_status = {}


def _import(module):
    if module == "jax":
        # No accelerator here; without this jax probes for one and warns.
        os.environ.setdefault("JAX_PLATFORMS", "cpu")
    return importlib.import_module(module)


def available(name):
    """(True, version) if the library behind ``name`` imports, else (False, reason)."""
    module = LIBRARY[name]
    if module not in _status:
        try:
            mod = _import(module)
            missing = [a for a in REQUIRED.get(module, ()) if not hasattr(mod, a)]
            if missing:
                importlib.import_module(f"{module}.{missing[0]}")  # raises the real error
            _status[module] = (True, _version(module, mod))
        except Exception as exc:  # noqa: BLE001 - any import failure is a skip reason
            _status[module] = (False, f"import {module} failed: {type(exc).__name__}: {exc}")
    return _status[module]


def _version(module, mod):
    version = getattr(mod, "__version__", None)
    if version is None:
        try:
            from importlib.metadata import version as dist_version

            version = dist_version(DISTRIBUTION.get(module, module))
        except Exception:  # noqa: BLE001 - e.g. autodiff used from the working tree
            version = "(working tree)" if module == "autodiff" else "?"
    return version


def versions():
    """Library -> version string or skip reason, for the run header and the JSON file."""
    out = {}
    for module in dict.fromkeys(LIBRARY.values()):
        ok, info = available(next(n for n, m in LIBRARY.items() if m == module))
        out[module] = info if ok else f"unavailable ({info})"
    return out


def to_numpy(value):
    """Any implementation's array (or scalar) as a NumPy array, outside the timed region."""
    import numpy

    if hasattr(value, "asnumpy"):  # autodiff (MXNet-style)
        return value.asnumpy()
    if hasattr(value, "detach"):  # torch
        return value.detach().cpu().numpy()
    return numpy.asarray(value)  # numpy, jax, HIPS autograd
