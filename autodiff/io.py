"""The Python part of MXNet 1.9.1's ``mxnet.io``: ``DataDesc`` (a named shape),
``DataBatch`` (``.data`` / ``.label`` lists, ``.pad``), the ``DataIter`` base class (Python
iteration over ``next()``) and ``NDArrayIter`` (batches of in-memory arrays, as MXNet's
crash course and d2l use it).  MXNet's C++ iterators (``ImageRecordIter``, ``CSVIter``,
``MNISTIter``...) are not here; ``autodiff.image.ImageIter`` and ``gluon.data`` read files.
``ResizeIter`` (a fixed number of batches per epoch) and ``PrefetchingIter`` (batches of
several iterators fetched ahead on threads) wrap any of them."""
import collections as _collections
from concurrent.futures import ThreadPoolExecutor as _ThreadPoolExecutor

import numpy as _onp

from . import random as _random
from .errors import ShapeError as _ShapeError
from .ndarray import ndarray as _ndarray, wrap as _wrap

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'NDArrayIter', 'ResizeIter', 'PrefetchingIter']


def __dir__():
    return __all__


class DataDesc(_collections.namedtuple('DataDesc', ['name', 'shape'])):
    """A data or label stream's ``name`` and ``shape``, with ``dtype`` and ``layout``."""

    def __new__(cls, name, shape, dtype='float32', layout='NCHW'):
        ret = super().__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return f'DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]'

    @staticmethod
    def get_batch_axis(layout):
        """The batch axis of ``layout`` (the position of ``N``; 0 when None)."""
        return 0 if layout is None else layout.find('N')

    @staticmethod
    def get_list(shapes, types):
        """``DataDesc``s from ``(name, shape)`` pairs and optional ``(name, dtype)`` pairs."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: ``data`` and ``label`` are lists of arrays; ``pad`` counts the samples at
    the end that only fill the batch up."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        for name, v in (('data', data), ('label', label)):
            if v is not None and not isinstance(v, (list, tuple)):
                raise TypeError(f"DataBatch: {name} must be a list of arrays, got "
                                f"{type(v).__name__}")
        self.data, self.label, self.pad, self.index = data, label, pad, index
        self.bucket_key = bucket_key
        self.provide_data, self.provide_label = provide_data, provide_label

    def __str__(self):
        label_shapes = [x.shape for x in self.label] if self.label else None
        return (f'{self.__class__.__name__}: data shapes: {[d.shape for d in self.data]} '
                f'label shapes: {label_shapes}')


class DataIter:
    """Base class of the data iterators: ``for batch in it`` calls ``next()`` until
    ``StopIteration``; subclasses give ``next`` (or ``iter_next`` with ``getdata``,
    ``getlabel``, ``getpad``) and ``reset``."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Go back to the first batch."""

    def next(self):
        """The next ``DataBatch`` (``StopIteration`` at the end)."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Move to the next batch; False at the end."""
        return False

    def getdata(self):
        """The current batch's data list."""
        return None

    def getlabel(self):
        """The current batch's label list."""
        return None

    def getindex(self):
        """The current batch's sample indices (None)."""
        return None

    def getpad(self):
        """How many samples of the current batch are padding."""
        return 0


def _named_arrays(data, default_name, who, allow_empty):
    """``[(name, numpy array)]`` of an array, a list of arrays or a ``{name: array}`` dict
    (sorted by name), as MXNet names them: one array is ``default_name``, a list's are
    ``_0_<default_name>``, ``_1_<default_name>``...  NumPy arrays and lists become float32
    (MXNet 1.9.1 converts them with ``mx.nd.array``); autodiff arrays keep their dtype."""
    if data is None:
        if not allow_empty:
            raise ValueError(f"NDArrayIter: {who} must be given")
        return []
    if isinstance(data, dict):
        pairs = sorted(data.items())
    elif isinstance(data, (list, tuple)):
        pairs = [(default_name if len(data) == 1 else f'_{i}_{default_name}', d)
                 for i, d in enumerate(data)]
    else:
        pairs = [(default_name, data)]
    if not pairs and not allow_empty:
        raise ValueError(f"NDArrayIter: {who} is empty")
    out = []
    for name, v in pairs:
        a = v._data if isinstance(v, _ndarray) else _onp.asarray(v, dtype=_onp.float32)
        if a.ndim == 0:
            raise _ShapeError(f"NDArrayIter: {who} {name!r} is a scalar; it needs a batch axis")
        out.append((name, a))
    return out


class NDArrayIter(DataIter):
    """Batches of in-memory arrays along the batch axis (``layout``'s ``N``), MXNet
    1.9.1's ``mx.io.NDArrayIter``.

    ``data`` / ``label``: an array, a list of arrays or a ``{name: array}`` dict, all with
    the same number of samples.  ``last_batch_handle``: ``'pad'`` fills the last batch from
    the first samples (``batch.pad`` counts them), ``'discard'`` drops it, ``'roll_over'``
    carries its samples into the next epoch's first batch (whose ``pad`` is, as in MXNet,
    the number carried over).  ``shuffle=True`` reshuffles at each ``reset()`` with
    ``autodiff.random``'s seedable generator (``mx.random.seed``)."""

    def __init__(self, data, label=None, batch_size=1, shuffle=False,
                 last_batch_handle='pad', data_name='data', label_name='softmax_label',
                 layout='NCHW'):
        super().__init__(batch_size)
        if last_batch_handle not in ('pad', 'discard', 'roll_over'):
            raise ValueError("NDArrayIter: last_batch_handle must be 'pad', 'discard' or "
                             f"'roll_over', got {last_batch_handle!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"NDArrayIter: batch_size must be a positive int, got "
                             f"{batch_size!r}")
        if 'N' not in layout:
            raise ValueError(f"NDArrayIter: layout {layout!r} has no batch axis 'N'")
        self.layout = layout
        axis = layout.find('N')
        self.data = _named_arrays(data, data_name, 'data', allow_empty=False)
        self.label = _named_arrays(label, label_name, 'label', allow_empty=True)
        counts = {}
        for name, a in self.data + self.label:
            if a.ndim <= axis:
                raise _ShapeError(f"NDArrayIter: {name!r} of shape {a.shape} has no batch "
                                  f"axis {axis} (layout {layout!r})")
            counts[name] = a.shape[axis]
        if len(set(counts.values())) > 1:
            raise _ShapeError(f"NDArrayIter: data and label need the same number of samples "
                              f"along the batch axis, got {counts}")
        self.num_data = next(iter(counts.values()))
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self._carry = []            # sample indices rolled over into the next epoch
        self._pending = []          # this epoch's left-over, carried once the epoch ends
        self._batches, self._pos = [], 0
        self.reset()

    def _descs(self, pairs):
        axis = self.layout.find('N')
        return [DataDesc(k, v.shape[:axis] + (self.batch_size,) + v.shape[axis + 1:],
                         v.dtype.type, layout=self.layout) for k, v in pairs]

    @property
    def provide_data(self):
        """``DataDesc`` (name, batch shape, dtype, layout) of each data array."""
        return self._descs(self.data)

    @property
    def provide_label(self):
        """``DataDesc`` of each label array."""
        return self._descs(self.label)

    def reset(self):
        """Start a new epoch (reshuffled with ``shuffle=True``; with ``'roll_over'`` the
        last epoch's left-over samples open it)."""
        order = _onp.arange(self.num_data)
        if self.shuffle:
            order = _random._gen().permutation(self.num_data)
        carry, self._carry, self._pending = self._carry, [], []
        seq = _onp.concatenate([_onp.asarray(carry, dtype=_onp.int64), order])
        bs, batches = self.batch_size, []
        for start in range(0, len(seq), bs):
            chunk = seq[start:start + bs]
            pad = len(carry) if start == 0 and carry else 0
            if len(chunk) < bs:
                if self.last_batch_handle == 'discard':
                    break
                if self.last_batch_handle == 'roll_over':
                    self._pending = list(chunk)
                    break
                pad = bs - len(chunk)
                chunk = _onp.concatenate([chunk, _onp.resize(order, pad)])
            batches.append((chunk, pad))
        self._batches, self._pos, self._cur = batches, 0, None

    def hard_reset(self):
        """Start a new epoch, dropping samples rolled over from the last one."""
        self._carry, self._pending = [], []
        self.reset()

    def iter_next(self):
        """Move to the next batch; False at the end of the epoch."""
        if self._pos >= len(self._batches):
            self._carry, self._pending = self._pending, []
            self._cur = None
            return False
        self._cur = self._batches[self._pos]
        self._pos += 1
        return True

    def _take(self, pairs):
        if self._cur is None:
            raise StopIteration
        idx, axis = self._cur[0], self.layout.find('N')
        return [_wrap(_onp.take(a, idx, axis=axis)) for _, a in pairs]

    def getdata(self):
        """The current batch's data arrays."""
        return self._take(self.data)

    def getlabel(self):
        """The current batch's label arrays."""
        return self._take(self.label)

    def getpad(self):
        """How many samples of the current batch are padding (or rolled over)."""
        return 0 if self._cur is None else self._cur[1]


class _WrapsBatches(DataIter):
    """An iterator whose ``current_batch`` is a ``DataBatch`` it took or built: the
    accessors read it."""

    def getdata(self):
        """The current batch's data list."""
        return self.current_batch.data

    def getlabel(self):
        """The current batch's label list."""
        return self.current_batch.label

    def getindex(self):
        """The current batch's index."""
        return self.current_batch.index

    def getpad(self):
        """The current batch's pad."""
        return self.current_batch.pad


class ResizeIter(_WrapsBatches):
    """``size`` batches per epoch of ``data_iter``, restarting it when it runs out
    (MXNet's ``mx.io.ResizeIter``); ``reset_internal=True`` also resets it on ``reset()``."""

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__(data_iter.batch_size)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"ResizeIter: size must be a non-negative int, got {size!r}")
        self.data_iter, self.size, self.reset_internal = data_iter, size, reset_internal
        self.cur, self.current_batch = 0, None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label

    def reset(self):
        """Start a new epoch of ``size`` batches."""
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        """Fetch the next batch (restarting the wrapped iterator at its end)."""
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True


def _renamed(descs, renames, who):
    if renames is None:
        return [d for ds in descs for d in ds]
    if len(renames) != len(descs):
        raise ValueError(f"PrefetchingIter: {who} needs one dict per iterator, got "
                         f"{len(renames)} for {len(descs)}")
    out = []
    for r, ds in zip(renames, descs):
        for d in ds:
            name, shape = d[0], d[1]
            if name not in r:
                raise ValueError(f"PrefetchingIter: {who} has no new name for {name!r}")
            out.append(DataDesc(r[name], shape, getattr(d, 'dtype', 'float32')))
    return out


class PrefetchingIter(_WrapsBatches):
    """Batches of one or more iterators, the next ones fetched ahead on a thread per
    iterator (MXNet's ``mx.io.PrefetchingIter``): each batch joins the iterators' ``data``
    and ``label`` lists; ``rename_data`` / ``rename_label`` give one ``{old: new}`` name
    dict per iterator for ``provide_data`` / ``provide_label``."""

    def __init__(self, iters, rename_data=None, rename_label=None):
        iters = list(iters) if isinstance(iters, (list, tuple)) else [iters]
        if not iters:
            raise ValueError("PrefetchingIter: iters is empty")
        self.iters, self.n_iter = iters, len(iters)
        self.rename_data, self.rename_label = rename_data, rename_label
        super().__init__(self.provide_data[0][1][0])
        self._pool = _ThreadPoolExecutor(max_workers=self.n_iter)
        self.current_batch = None
        self._fetch()

    def _fetch(self):
        self._next = [self._pool.submit(_next_or_none, it) for it in self.iters]

    @property
    def provide_data(self):
        """The iterators' data descriptions, renamed by ``rename_data``."""
        return _renamed([i.provide_data for i in self.iters], self.rename_data, 'rename_data')

    @property
    def provide_label(self):
        """The iterators' label descriptions, renamed by ``rename_label``."""
        return _renamed([i.provide_label for i in self.iters], self.rename_label,
                        'rename_label')

    def reset(self):
        """Reset every iterator (after the fetches under way) and fetch ahead again."""
        for f in self._next:
            f.result()
        for it in self.iters:
            it.reset()
        self._fetch()

    def iter_next(self):
        """Take the fetched batches and start fetching the next ones."""
        batches = [f.result() for f in self._next]
        if batches[0] is None:
            if any(b is not None for b in batches):
                raise ValueError("PrefetchingIter: the iterators yield different numbers "
                                 "of batches")
            self._next = [self._pool.submit(lambda: None) for _ in self.iters]
            return False
        if any(b is None or b.pad != batches[0].pad for b in batches):
            raise ValueError("PrefetchingIter: the iterators' batches do not line up "
                             "(different numbers of batches or pads)")
        self.current_batch = DataBatch([a for b in batches for a in b.data],
                                       [a for b in batches for a in (b.label or [])],
                                       batches[0].pad, batches[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        self._fetch()
        return True

    def next(self):
        """The next joined ``DataBatch`` (``StopIteration`` at the end)."""
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def __del__(self):
        pool = getattr(self, '_pool', None)
        if pool is not None:
            pool.shutdown(wait=False)


def _next_or_none(it):
    try:
        return it.next()
    except StopIteration:
        return None
