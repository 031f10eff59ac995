"""The part of MXNet 1.9.1's ``mxnet.io`` that ``autodiff.image``'s iterators need:
``DataDesc`` (a named shape), ``DataBatch`` (``.data`` / ``.label`` lists, ``.pad``) and
the ``DataIter`` base class (Python iteration over ``next()``)."""
import collections as _collections

__all__ = ['DataDesc', 'DataBatch', 'DataIter']


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
