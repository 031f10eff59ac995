"""The compiler's elementwise table: each op's forward formula, as source text.

Every entry mirrors the eager kernel of the same op (``autodiff.kernels``, ``autodiff.ops``),
so a compiled program computes the same values up to float rounding.  There are no
derivatives here: the compiler lowers the backward the eager rules recorded
(``trace.record_backward``), so an op used only by backward rules (``tanh_grad``,
``sigmoid_grad``) needs a forward template like any other.
Templates name one element each: ``{x}`` the input of a unary op or of an op with a Python
scalar operand, ``{a}``/``{b}`` the inputs of an array-array op, ``{s}`` the scalar (a
constant of the arrays' dtype); ``{one}``, ``{two}``, ``{three}``, ``{zero}`` are constants
of the dtype.  ``_tanh`` and friends are scalar helpers
(``autodiff.compile._scalar``).
"""

# name -> forward
UNARY = {
    'negative': '-{x}',
    'abs': 'np.abs({x})',
    'exp': 'np.exp({x})',
    'expm1': 'np.expm1({x})',
    'log': 'np.log({x})',
    'log1p': 'np.log1p({x})',
    'log2': 'np.log2({x})',
    'log10': 'np.log10({x})',
    'sqrt': 'np.sqrt({x})',
    'cbrt': 'np.cbrt({x})',
    'square': '{x} * {x}',
    'reciprocal': '{one} / {x}',
    'sin': 'np.sin({x})',
    'cos': 'np.cos({x})',
    'tan': 'np.tan({x})',
    'arcsin': 'np.arcsin({x})',
    'arccos': 'np.arccos({x})',
    'arctan': 'np.arctan({x})',
    'sinh': 'np.sinh({x})',
    'cosh': 'np.cosh({x})',
    'tanh': '_tanh({x})',
    'arcsinh': 'np.arcsinh({x})',
    'arccosh': 'np.arccosh({x})',
    'arctanh': 'np.arctanh({x})',
    'sigmoid': '_sigmoid({x})',
    'relu': '_relu({x})',
    'sign': '_sign({x})',
    'floor': 'np.floor({x})',
    'ceil': 'np.ceil({x})',
    'round': 'np.rint({x})',
    'copy': '{x}',
}

# name -> forward; operands broadcast
BINARY = {
    'add': '{a} + {b}',
    'subtract': '{a} - {b}',
    'multiply': '{a} * {b}',
    'divide': '{a} / {b}',
    'power': '{a} ** {b}',
    # ties go to the first operand (MXNet)
    'maximum': 'np.maximum({a}, {b})',
    'minimum': 'np.minimum({a}, {b})',
    'mod': 'np.mod({a}, {b})',
    # backward-only ops (tanh's and sigmoid's rules): a = the adjoint g, b = the op's result
    'tanh_grad': '{a} * ({one} - {b} * {b})',
    'sigmoid_grad': '{a} * {b} * ({one} - {b})',
}

# (name, scalar position) -> forward.  Position 1: ``x (op) s``; position 0: ``s (op) x``.
SCALAR = {
    ('add', 1): '{x} + {s}',
    ('add', 0): '{s} + {x}',
    ('subtract', 1): '{x} - {s}',
    ('subtract', 0): '{s} - {x}',
    ('multiply', 1): '{x} * {s}',
    ('multiply', 0): '{s} * {x}',
    ('divide', 1): '{x} / {s}',
    ('divide', 0): '{s} / {x}',
    ('power', 1): '{x} ** {s}',
    ('power', 0): '{s} ** {x}',
    # the array gets a tie (MXNet)
    ('maximum', 1): 'np.maximum({x}, {s})',
    ('maximum', 0): 'np.maximum({s}, {x})',
    ('minimum', 1): 'np.minimum({x}, {s})',
    ('minimum', 0): 'np.minimum({s}, {x})',
    ('mod', 1): 'np.mod({x}, {s})',
    ('mod', 0): 'np.mod({s}, {x})',
}

# comparisons (bool results, no gradient): what the tracer sees user code compute from
# recorded values, e.g. a relu mask ``x > 0`` or a loop condition
COMPARE = {
    'greater': '{a} > {b}', 'greater_equal': '{a} >= {b}', 'less': '{a} < {b}',
    'less_equal': '{a} <= {b}', 'equal': '{a} == {b}', 'not_equal': '{a} != {b}',
}

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
