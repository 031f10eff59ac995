"""``python -m autodiff.coverage``: how much of MXNet 1.9.1's API autodiff implements.

The reference lists live in ``autodiff/data/mxnet_1_9_1_names.json``.  They were taken from
the ``mxnet==1.9.1`` wheel in a side environment, after ``npx.set_np()``, as the public
(no leading underscore) names of each namespace: ``dir(mxnet.np)`` without submodules,
``dir(mxnet.np.linalg)``, ``dir(mxnet.np.random)``, ``dir(mxnet.npx)`` without submodules,
the methods and properties of ``mxnet.np.ndarray`` (plus ``__format__``, ``__array__`` and
``__dlpack__``), the Gluon namespaces (``gluon.model_zoo.vision`` and ``gluon.model_zoo.model_store``
included), the classes of ``optimizer``, ``init``, ``lr_scheduler`` and ``metric``, and
``dir(mxnet.util)`` without submodules, and ``dir(mxnet.image)`` / ``dir(mxnet.io)`` without
submodules (``image.det``, ``image.detection``, ``image.image``, ``io.io``, ``io.utils`` and
the modules they import).

A name counts as implemented when autodiff's namespace has an attribute of that name.
Names that make no sense here (GPU and C-API internals, Python 2 helpers, imports that leak
into MXNet's namespaces) are listed in ``LEFT_OUT`` with the reason, and do not count.

    python -m autodiff.coverage            # one line per namespace
    python -m autodiff.coverage --missing  # and the names still missing
"""
import argparse
import importlib
import json
import os

_NAMES_FILE = os.path.join(os.path.dirname(__file__), 'data', 'mxnet_1_9_1_names.json')

# MXNet namespace -> the autodiff object that should hold its names
TARGETS = {
    'np': 'autodiff.np',
    'np.linalg': 'autodiff.np.linalg',
    'np.random': 'autodiff.np.random',
    'npx': 'autodiff.npx',
    'ndarray': 'autodiff.ndarray',          # (the package's attribute: the class)
    'gluon': 'autodiff.gluon',
    'gluon.nn': 'autodiff.gluon.nn',
    'gluon.rnn': 'autodiff.gluon.rnn',
    'gluon.loss': 'autodiff.gluon.loss',
    'gluon.data': 'autodiff.gluon.data',
    'gluon.data.vision': 'autodiff.gluon.data.vision',
    'gluon.data.vision.transforms': 'autodiff.gluon.data.vision.transforms',
    'optimizer': 'autodiff.optimizer',
    'init': 'autodiff.init',
    'lr_scheduler': 'autodiff.lr_scheduler',
    'metric': 'autodiff.metric',
    'gluon.model_zoo.vision': 'autodiff.gluon.model_zoo.vision',
    'gluon.model_zoo.model_store': 'autodiff.gluon.model_zoo.model_store',
    'util': 'autodiff.util',
    'image': 'autodiff.image',
    'io': 'autodiff.io',
}

_GPU = "GPU internals: this library runs on the CPU only"
_CAPI = "MXNet's C-API plumbing; there is no C library behind autodiff"
_PY2 = "a Python 2 compatibility helper that leaks into MXNet's namespace"
_LEAK = "an import that leaks into MXNet's namespace, not part of its API"

LEFT_OUT = {
    ('npx', 'check_call'): _CAPI,
    ('npx', 'classproperty'): _PY2,
    ('npx', 'with_metaclass'): _PY2,
    ('npx', 'get_cuda_compute_capability'): _GPU,
    ('gluon.data.vision.transforms', 'is_np_array'): _LEAK,
    ('gluon.data.vision.transforms', 'numeric_types'): _LEAK,
    ('gluon', 'tensor_types'): _LEAK,
    ('metric', 'OrderedDict'): _LEAK,
    ('init', 'NDArray'): _LEAK,
    ('metric', 'Torch'): "MXNet's legacy plugin metric for Lua Torch",
    ('init', 'FusedRNN'): ("initialises the single packed parameter vector of the legacy "
                           "symbolic FusedRNNCell; gluon.rnn layers keep MXNet's per-layer "
                           "Parameters (l0_i2h_weight, ...), which ordinary initializers "
                           "fill"),
    ('metric', 'Caffe'): "MXNet's legacy plugin metric for Caffe",
    ('optimizer', 'Test'): "MXNet's optimizer used only by its own unit tests",
    ('ndarray', 'handle'): _CAPI + " (the array's NDArrayHandle pointer)",
    ('gluon.model_zoo.model_store', 'check_sha1'): _LEAK + " (gluon.utils' helper)",
    ('gluon.model_zoo.model_store', 'download'): _LEAK + " (gluon.utils' helper; "
                                                 "there is no network here)",
    ('gluon.model_zoo.model_store', 'replace_file'): _LEAK + " (gluon.utils' helper)",
    ('util', 'c_str'): _CAPI + " (a ctypes string for the C library)",
    ('util', 'py_str'): _CAPI + " (decodes the C library's strings)",
    ('util', 'check_call'): _CAPI,
    ('util', 'get_cuda_compute_capability'): _GPU,
    ('image', 'Number'): _LEAK + " (numbers.Number)",
    ('image', 'cv2'): _LEAK + " (OpenCV, when installed; autodiff decodes and resizes itself)",
    ('image', 'is_np_array'): _LEAK + " (util.is_np_array)",
    ('image', 'numeric_types'): _LEAK + " (base.numeric_types)",
    ('io', 'MXDataIter'): _CAPI + " (the wrapper of a C++ data iterator handle)",
}


def reference_names():
    """MXNet 1.9.1's public names, by namespace (from the data file)."""
    with open(_NAMES_FILE) as f:
        data = json.load(f)
    return {k: v for k, v in data.items() if not k.startswith('_')}


def _resolve(target):
    """The autodiff object holding a namespace's names, or None when it does not exist yet.

    ``target`` is a dotted path whose parts are attributes or submodules: ``autodiff.np.random``
    is ``np``'s attribute ``random``, ``autodiff.ndarray`` the package's array class.
    """
    parts = target.split('.')
    obj = importlib.import_module(parts[0])
    for i, part in enumerate(parts[1:], 1):
        if hasattr(obj, part):
            obj = getattr(obj, part)
            continue
        try:
            obj = importlib.import_module('.'.join(parts[:i + 1]))
        except ImportError:
            return None
    return obj


def report():
    """Per namespace: ``{'implemented': [...], 'missing': [...], 'left_out': {name: reason}}``."""
    out = {}
    for ns, names in reference_names().items():
        holder = _resolve(TARGETS[ns])
        row = {'implemented': [], 'missing': [], 'left_out': {}}
        for name in names:
            reason = LEFT_OUT.get((ns, name))
            if reason is not None:
                row['left_out'][name] = reason
            elif holder is not None and hasattr(holder, name):
                row['implemented'].append(name)
            else:
                row['missing'].append(name)
        out[ns] = row
    return out


def percent(row):
    """Implemented share of a namespace's names, left-out ones aside (0-100)."""
    total = len(row['implemented']) + len(row['missing'])
    return 100.0 * len(row['implemented']) / total if total else 100.0


def main(argv=None):
    """Print the coverage table (and, with ``--missing``, the missing names)."""
    parser = argparse.ArgumentParser(prog='python -m autodiff.coverage',
                                     description="What of MXNet 1.9.1's API autodiff implements.")
    parser.add_argument('--missing', action='store_true', help='list the missing names')
    args = parser.parse_args(argv)
    rows = report()
    width = max(len(ns) for ns in rows)
    print(f"{'namespace':<{width}}  implemented      %  left out")
    for ns, row in rows.items():
        n, total = len(row['implemented']), len(row['implemented']) + len(row['missing'])
        print(f"{ns:<{width}}  {n:>5} / {total:<5} {percent(row):5.1f}  {len(row['left_out'])}")
    for ns, row in rows.items():
        for name, reason in row['left_out'].items():
            print(f"left out: {ns}.{name}: {reason}")
    if args.missing:
        for ns, row in rows.items():
            if row['missing']:
                print(f"missing in {ns} ({len(row['missing'])}): {', '.join(row['missing'])}")
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
