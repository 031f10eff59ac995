"""The compiler's elementwise table: forward templates derived from the op rows, and the
local derivatives, as source text.

Forward templates come from each op's row (``autodiff.ops.elementwise``: ``Row.template``),
the same expression its eager kernel is generated from, so a compiled program computes the
same values up to float rounding.  Templates name one element each: ``{x}`` the input of a
unary op or of an op with a Python scalar operand, ``{a}``/``{b}`` the inputs of an
array-array op, ``{s}`` the scalar (a constant of the arrays' dtype), ``{k_<op>_0}``...
the expression's numeric constants (``CONSTANTS``: values, made constants of the dtype by
``lower``), ``{ans}`` the op's result and ``{g}`` its adjoint; ``{one}``, ``{two}``,
``{three}``, ``{zero}`` are constants of the dtype, ``{ln2}``/``{ln10}`` too.  ``_tanh`` and
friends are scalar helpers (``autodiff.kernels.scalar``, re-exported by ``_scalar``).

A derivative template gives ``g * d ans / d input``; None means the op passes no gradient
(eager mode gives zeros there).  An op takes part in the compiler's own differentiation
only with a derivative entry below; ``FORWARD_*`` hold the forward templates of every row.
"""
from ..ops.elementwise import ROWS
from ..ops import unary as _unary, binary as _binary  # noqa: F401  (declare the rows)

_DIFFERENTIABLE = {name for name, row in ROWS.items() if getattr(row, 'op', None) is not None}

# every row's forward: name -> template; CONSTANTS: template -> {constant name: value}
# (a constant's name holds its op's name, so one template text has one set of values)
CONSTANTS = {}


def _forward(row, form):
    text, consts = row.template(form)
    if consts:
        CONSTANTS[text] = consts
    return text


FORWARD_UNARY = {n: _forward(r, 'x') for n, r in ROWS.items()
                 if r.arity == 1 and n in _DIFFERENTIABLE}
FORWARD_BINARY = {n: _forward(r, 'aa') for n, r in ROWS.items()
                  if r.arity == 2 and n in _DIFFERENTIABLE}
FORWARD_SCALAR = {(n, pos): _forward(r, 'as' if pos == 1 else 'sa') for n, r in ROWS.items()
                  if r.arity == 2 and n in _DIFFERENTIABLE for pos in (1, 0)}

# name -> derivative (the compiler's own differentiation, ``ad``)
_UNARY_DERIVATIVES = {
    'negative': '-{g}',
    'abs': '{g} * _sign({x})',
    'exp': '{g} * {ans}',
    'expm1': '{g} * np.exp({x})',
    'log': '{g} / {x}',
    'log1p': '{g} / ({x} + {one})',
    'log2': '{g} / ({x} * {ln2})',
    'log10': '{g} / ({x} * {ln10})',
    'sqrt': '{g} / ({ans} * {two})',
    'cbrt': '{g} / ({ans} * {ans} * {three})',
    'square': '{g} * {x} * {two}',
    'reciprocal': '-{g} * {ans} * {ans}',
    'sin': '{g} * np.cos({x})',
    'cos': '-{g} * np.sin({x})',
    'tan': '{g} * ({ans} * {ans} + {one})',
    'arcsin': '{g} / np.sqrt({one} - {x} * {x})',
    'arccos': '-{g} / np.sqrt({one} - {x} * {x})',
    'arctan': '{g} / ({x} * {x} + {one})',
    'sinh': '{g} * np.cosh({x})',
    'cosh': '{g} * np.sinh({x})',
    'tanh': '{g} * ({one} - {ans} * {ans})',
    'arcsinh': '{g} / np.sqrt({x} * {x} + {one})',
    'arccosh': '{g} / np.sqrt({x} * {x} - {one})',
    'arctanh': '{g} / ({one} - {x} * {x})',
    'sigmoid': '{g} * {ans} * ({one} - {ans})',
    'relu': '({g} if {x} > {zero} else {zero})',
    'sign': None,
    'floor': None,
    'ceil': None,
    'round': None,
}
# name -> (derivative wrt a, derivative wrt b); operands broadcast
_BINARY_DERIVATIVES = {
    'add': ('{g}', '{g}'),
    'subtract': ('{g}', '-{g}'),
    'multiply': ('{g} * {b}', '{g} * {a}'),
    'divide': ('{g} / {b}', '-{g} * {ans} / {b}'),
    'power': ('{g} * {b} * {a} ** ({b} - {one})', '{g} * {ans} * np.log({a})'),
    # ties go to the first operand (MXNet)
    'maximum': ('({g} if {a} >= {b} else {zero})', '({g} if {a} < {b} else {zero})'),
    'minimum': ('({g} if {a} <= {b} else {zero})', '({g} if {a} > {b} else {zero})'),
    'mod': ('{g}', '-{g} * np.floor({a} / {b})'),
}
# (name, scalar position) -> derivative wrt the array input x.  Position 1: ``x (op) s``;
# position 0: ``s (op) x``.  ``{logs}`` is log(s) as eager mode computes it (-inf at 0, NaN
# below).
_SCALAR_DERIVATIVES = {
    ('add', 1): '{g}', ('add', 0): '{g}',
    ('subtract', 1): '{g}', ('subtract', 0): '-{g}',
    ('multiply', 1): '{g} * {s}', ('multiply', 0): '{g} * {s}',
    ('divide', 1): '{g} / {s}', ('divide', 0): '-{g} * {ans} / {x}',
    ('power', 1): '{g} * {s} * {x} ** ({s} - {one})', ('power', 0): '{g} * {ans} * {logs}',
    # the array gets a tie (MXNet)
    ('maximum', 1): '({g} if {x} >= {s} else {zero})',
    ('maximum', 0): '({g} if {x} >= {s} else {zero})',
    ('minimum', 1): '({g} if {x} <= {s} else {zero})',
    ('minimum', 0): '({g} if {x} <= {s} else {zero})',
    ('mod', 1): '{g}', ('mod', 0): '-{g} * np.floor({s} / {x})',
}

# the table the compiler lowers: name -> (forward, derivative...)
UNARY = {n: (FORWARD_UNARY[n], d) for n, d in _UNARY_DERIVATIVES.items()}
UNARY['copy'] = ('{x}', '{g}')
BINARY = {n: (FORWARD_BINARY[n],) + d for n, d in _BINARY_DERIVATIVES.items()}
SCALAR = {k: (FORWARD_SCALAR[k], d) for k, d in _SCALAR_DERIVATIVES.items()}

# comparisons (bool results, no gradient): what the tracer sees user code compute from
# recorded values, e.g. a relu mask ``x > 0`` or a loop condition
COMPARE = {n: ROWS[n].template('aa')[0] for n in ('greater', 'greater_equal', 'less',
                                                   'less_equal', 'equal', 'not_equal')}

# reductions over axes: op name -> IR reduction kind
REDUCTIONS = {'sum': 'sum', 'mean': 'sum', 'max': 'max', 'min': 'min'}


def scalar_rule(name, pos, s):
    """(forward, derivative) of the scalar form, or None when the compiler does not take it."""
    rule = SCALAR.get((name, pos))
    if rule is None:
        return None
    if (name, pos) == ('power', 1) and s == 0:
        return rule[0], '{g} * {zero}'                  # eager: g * 0
    return rule


# ops lowered by code of their own in ``lower`` (beside the tables above)
STRUCTURAL = ('matmul', 'reshape', 'expand_dims', 'squeeze', 'transpose', 'broadcast_to',
              'getitem', 'concatenate', 'split', 'flip', 'tile', 'repeat', 'softmax', 'log_softmax',
              'where', 'clip', 'astype')


def supported_names():
    """Names of the ops the compiler takes (for messages and tests)."""
    return sorted(set(UNARY) | set(BINARY) | {n for n, _ in SCALAR} | set(REDUCTIONS)
                  | set(STRUCTURAL))
