"""The compiler's elementwise table: each op's forward formula, as source text.

Forward templates come from each op's row (``autodiff.ops.elementwise``: ``Row.template``),
the same expression its eager kernel is generated from, so a compiled program computes the
same values up to float rounding.  There are no derivatives here: the compiler lowers the
backward the eager rules recorded (``trace.record_backward``), so an op used only by
backward rules (``tanh_grad``, ``sigmoid_grad``) is a row with a forward like any other.
Templates name one element each: ``{x}`` the input of a unary op or of an op with a Python
scalar operand, ``{a}``/``{b}`` the inputs of an array-array op, ``{s}`` the scalar (a
constant of the arrays' dtype), ``{k_<op>_0}``... the expression's numeric constants
(``CONSTANTS``: values, made constants of the dtype by ``lower``); ``{one}``, ``{two}``,
``{three}``, ``{zero}`` are constants of the dtype.  ``_tanh`` and friends are scalar
helpers (``autodiff.kernels.scalar``, re-exported by ``_scalar``).
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


# the table the compiler lowers: name -> forward template, for every differentiable row
UNARY = {n: _forward(r, 'x') for n, r in ROWS.items() if r.arity == 1 and n in _DIFFERENTIABLE}
UNARY['copy'] = '{x}'
BINARY = {n: _forward(r, 'aa') for n, r in ROWS.items() if r.arity == 2 and n in _DIFFERENTIABLE}
# (name, scalar position) -> forward.  Position 1: ``x (op) s``; position 0: ``s (op) x``
SCALAR = {(n, pos): _forward(r, 'as' if pos == 1 else 'sa') for n, r in ROWS.items()
          if r.arity == 2 and n in _DIFFERENTIABLE for pos in (1, 0)}

# comparisons (bool results, no gradient): what the tracer sees user code compute from
# recorded values, e.g. a relu mask ``x > 0`` or a loop condition
COMPARE = {n: ROWS[n].template('aa')[0] for n in ('greater', 'greater_equal', 'less',
                                                   'less_equal', 'equal', 'not_equal')}

# logical ops on masks (bool results; floats count as ``!= 0``): e.g. clip's backward
# combines its two bound masks
LOGICAL = {
    'logical_and': '(({a} != {zero}) and ({b} != {zero}))',
    'logical_or': '(({a} != {zero}) or ({b} != {zero}))',
    'logical_xor': '(({a} != {zero}) != ({b} != {zero}))',
}

# reductions over axes: op name -> IR reduction kind
REDUCTIONS = {'sum': 'sum', 'mean': 'sum', 'max': 'max', 'min': 'min'}


def scalar_rule(name, pos, s):
    """The forward of the scalar form, or None when the compiler does not take it."""
    return SCALAR.get((name, pos))


# ops lowered by code of their own in ``lower`` (beside the tables above)
STRUCTURAL = ('matmul', 'reshape', 'expand_dims', 'squeeze', 'transpose', 'broadcast_to',
              'getitem', 'concatenate', 'split', 'flip', 'tile', 'repeat', 'softmax', 'log_softmax',
              'where', 'clip', 'astype', 'scatter_add')


def supported_names():
    """Names of the ops the compiler takes (for messages and tests)."""
    return sorted(set(UNARY) | set(BINARY) | {n for n, _ in SCALAR} | set(REDUCTIONS)
                  | set(STRUCTURAL))
