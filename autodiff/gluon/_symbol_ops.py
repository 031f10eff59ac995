"""How ``SymbolBlock`` runs one node of a symbol file: op name -> call on autodiff's ops.

Two vocabularies are read: this library's own (what ``HybridBlock.export`` writes: op names
are tape op names, attributes the op's parameters as strings) and MXNet 1.9.1's for the ops
its Gluon layers export (``Convolution``, ``FullyConnected``, ``Activation``, ``BatchNorm``,
``Pooling``, ``Flatten``, ``Dropout``, ``Embedding``...) and a few ``_npi_`` arithmetic and
comparison ops (``_npi_greater_scalar``...).  Every call
goes through the public ``np``/``npx`` functions (or the op's own function), so a
SymbolBlock records on the tape and trains.  ``runner(op, attrs)`` gives the call for a
node or raises ``NotImplementedError`` naming the op; ``SymbolBlock`` names the node.

Attribute strings are parsed as Python literals where they are ones (``'(3, 3)'``,
``'1e-05'``, ``'False'``), else kept as strings (``'relu'``, ``'NCHW'``).  Graphs of this
library's own export replay recorded shapes where the recorded op holds them (``reshape``'s
``newshape``, ``pooling``'s output lengths): call them on inputs of the exported shape.
"""
import ast
import inspect

from .. import np, npx
from ..ops import activation as _activation, pool as _pool, special as _special

# input positions that are auxiliary states (no gradient; ``aux:`` in parameter files)
AUX_INPUTS = {'BatchNorm': (3, 4), 'batch_norm': (3, 4)}


def parse(text):
    """An attribute string as a Python value (a literal), else the string itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_key(text):
    """The basic-indexing key written as ``'[:, 1:3, None, ...]'`` (``getitem``'s attribute)."""
    body = text.strip()
    if not (body.startswith('[') and body.endswith(']')):
        raise NotImplementedError(f"getitem key {text!r} is not basic indexing")
    items = []
    for part in body[1:-1].split(','):
        part = part.strip()
        if part == '...':
            items.append(Ellipsis)
        elif part == 'None':
            items.append(None)
        elif ':' in part:
            bits = [int(b) if b.strip() else None for b in part.split(':')]
            items.append(slice(*bits))
        else:
            try:
                items.append(int(part))
            except ValueError:
                raise NotImplementedError(f"getitem key {text!r} is not basic indexing "
                                          "(an array index cannot be read back)") from None
    return items[0] if len(items) == 1 else tuple(items)


def _kw(attrs, *names, **renamed):
    """The attributes ``names`` (and ``renamed``: keyword <- attribute) that are present."""
    out = {n: attrs[n] for n in names if n in attrs}
    out.update({k: attrs[a] for k, a in renamed.items() if a in attrs})
    return out


# ---- MXNet 1.9.1's layer ops --------------------------------------------------------------------
def _convolution(ins, a):
    return npx.convolution(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                           num_filter=a.get('num_filter', ins[1].shape[0]),
                           no_bias=len(ins) < 3,
                           **_kw(a, 'kernel', 'stride', 'dilate', 'pad', 'num_group', 'layout'))


def _deconvolution(ins, a):
    return npx.deconvolution(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                             num_filter=a.get('num_filter', ins[1].shape[1] * a.get('num_group', 1)),
                             no_bias=len(ins) < 3,
                             **_kw(a, 'kernel', 'stride', 'dilate', 'pad', 'adj', 'target_shape',
                                   'num_group', 'layout'))


def _fully_connected(ins, a):
    return npx.fully_connected(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                               num_hidden=a.get('num_hidden', ins[1].shape[0]),
                               no_bias=len(ins) < 3, flatten=a.get('flatten', True))


def _batch_norm(ins, a):
    return npx.batch_norm(*ins[:5], **_kw(a, 'eps', 'momentum', 'fix_gamma', 'use_global_stats',
                                          'axis'))


def _pooling(ins, a):
    return npx.pooling(ins[0], **_kw(a, 'kernel', 'pool_type', 'global_pool', 'stride', 'pad',
                                     'pooling_convention', 'p_value', 'count_include_pad',
                                     'layout'))


def _own_pooling(ins, a):
    """This library's pooling node: its recorded window (``Pool``) replayed."""
    return _pool.pool(ins[0], _pool.Pool(*(a[f] for f in _pool.Pool._fields)))


def _spatial_as_target(a):
    """This library's deconvolution node records its output's spatial shape (``spatial``)."""
    a = dict(a)
    spatial = a.pop('spatial', None)
    if spatial is not None:
        a['target_shape'] = spatial
    return a


def _scalar(fn):
    def run(ins, a, first=False):
        s = a['scalar']
        return fn(s, ins[0]) if first else fn(ins[0], s)
    return run


_MX = {
    'Convolution': _convolution,
    'Deconvolution': _deconvolution,
    'FullyConnected': _fully_connected,
    'Activation': lambda ins, a: npx.activation(ins[0], a['act_type']),
    'LeakyReLU': lambda ins, a: npx.leaky_relu(*ins, **_kw(a, 'act_type', 'slope')),
    'BatchNorm': _batch_norm,
    'LayerNorm': lambda ins, a: npx.layer_norm(*ins, **_kw(a, 'axis', 'eps')),
    'Pooling': _pooling,
    'Flatten': lambda ins, a: npx.batch_flatten(ins[0]),
    'Embedding': lambda ins, a: npx.embedding(ins[0], ins[1], **_kw(a, 'input_dim', 'output_dim',
                                                                   'sparse_grad')),
    'Dropout': lambda ins, a: npx.dropout(ins[0], **_kw(a, 'p', 'axes', 'mode')),
    'softmax': lambda ins, a: npx.softmax(ins[0], **_kw(a, 'axis')),
    'log_softmax': lambda ins, a: npx.log_softmax(ins[0], **_kw(a, 'axis')),
    'elemwise_add': lambda ins, a: np.add(*ins),
    'elemwise_sub': lambda ins, a: np.subtract(*ins),
    'elemwise_mul': lambda ins, a: np.multiply(*ins),
    'elemwise_div': lambda ins, a: np.divide(*ins),
    '_npi_add': lambda ins, a: np.add(*ins),
    '_npi_subtract': lambda ins, a: np.subtract(*ins),
    '_npi_multiply': lambda ins, a: np.multiply(*ins),
    '_npi_true_divide': lambda ins, a: np.divide(*ins),
    '_npi_add_scalar': _scalar(np.add),
    '_npi_subtract_scalar': _scalar(np.subtract),
    '_npi_multiply_scalar': _scalar(np.multiply),
    '_npi_true_divide_scalar': _scalar(np.divide),
    '_npi_power_scalar': _scalar(np.power),
    '_plus_scalar': _scalar(np.add),
    '_minus_scalar': _scalar(np.subtract),
    '_mul_scalar': _scalar(np.multiply),
    '_div_scalar': _scalar(np.divide),
}
# comparisons: MXNet 1.9.1 writes ``x > 0.5`` and ``0.5 < x`` alike as
# ``_npi_greater_scalar`` (the array first; attrs ``scalar`` and ``is_int``)
for _cmp in ('equal', 'not_equal', 'greater', 'greater_equal', 'less', 'less_equal'):
    _MX[f'_npi_{_cmp}'] = (lambda f: lambda ins, a: f(*ins))(getattr(np, _cmp))
    _MX[f'_npi_{_cmp}_scalar'] = _scalar(getattr(np, _cmp))
for _name, _fn in (('_npi_rsubtract_scalar', np.subtract), ('_npi_rtrue_divide_scalar', np.divide),
                   ('_rminus_scalar', np.subtract), ('_rdiv_scalar', np.divide)):
    _MX[_name] = (lambda f: lambda ins, a: _scalar(f)(ins, a, first=True))(_fn)

# ---- this library's own op names that need more than ``np.<name>(*inputs, **attrs)`` ------------
_OWN = {
    'convolution': _convolution,
    'deconvolution': lambda ins, a: _deconvolution(ins, _spatial_as_target(a)),
    'pooling': _own_pooling,
    'batch_norm': _batch_norm,
    'getitem': lambda ins, a: ins[0][parse_key(a['key'])],
    'concatenate': lambda ins, a: np.concatenate(list(ins), axis=a.get('axis', 0)),
    'copy': lambda ins, a: np.copy(ins[0]),
}


# this library's elementwise kernel ops (``ops.special.elementwise``: gelu, erf...), by op
# name: their function takes the op's parameters positionally
_ELEMENTWISE = {f.op.name: f for mod in (_activation, _special) for f in vars(mod).values()
                if callable(f) and getattr(getattr(f, 'op', None), 'name', None)}


def runner(op, attrs):
    """``call(inputs) -> array or list of arrays`` for a node of op ``op`` with the string
    attributes ``attrs``; ``NotImplementedError`` naming the op when it does not map."""
    a = {k: parse(v) for k, v in (attrs or {}).items() if not k.startswith('__')}
    fn = _MX.get(op) or _OWN.get(op)
    if fn is not None:
        return lambda ins: fn(ins, a)
    ew = _ELEMENTWISE.get(op)
    if ew is not None:
        params = [a[p] for p in ew.op.params]
        return lambda ins: ew(ins[0], *params)
    if 'scalar' in a:                   # this library's array-scalar form of a binary op
        f = getattr(np, op, None)
        if f is None:
            raise NotImplementedError(f"op {op!r} with a scalar operand has no np function")
        first = bool(a.pop('scalar_first', False))
        return lambda ins: _scalar(f)(ins, a, first)
    f = getattr(npx, op, None) or getattr(np, op, None)
    if f is None or not callable(f):
        raise NotImplementedError(f"op {op!r} has no autodiff function to run it")
    if a:
        try:
            params = inspect.signature(f).parameters
        except (TypeError, ValueError):
            params = {}
        unknown = [k for k in a if k not in params]
        if unknown:
            raise NotImplementedError(f"op {op!r}: its attributes {unknown} do not map onto "
                                      f"{f.__name__}'s parameters")
    return lambda ins: f(*ins, **a)
