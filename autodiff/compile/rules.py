"""The compiler's elementwise table: forward formula and local derivatives, as source text.

Every entry mirrors the eager kernel and backward rule of the same op (``autodiff.kernels``,
``autodiff.ops``), so a compiled program computes the same values up to float rounding.
Templates name one element each: ``{x}`` the input of a unary op or of an op with a Python
scalar operand, ``{a}``/``{b}`` the inputs of an array-array op, ``{s}`` the scalar (a
constant of the arrays' dtype), ``{ans}`` the op's result and ``{g}`` its adjoint;
``{one}``, ``{two}``, ``{three}``, ``{zero}`` are constants of the dtype, ``{ln2}``/``{ln10}``
too.  ``_tanh`` and friends are scalar helpers (``autodiff.compile._scalar``).

A derivative template gives ``g * d ans / d input``; None means the op passes no gradient
(eager mode gives zeros there).
"""

# name -> (forward, derivative)
UNARY = {
    'negative': ('-{x}', '-{g}'),
    'abs': ('np.abs({x})', '{g} * _sign({x})'),
    'exp': ('np.exp({x})', '{g} * {ans}'),
    'expm1': ('np.expm1({x})', '{g} * np.exp({x})'),
    'log': ('np.log({x})', '{g} / {x}'),
    'log1p': ('np.log1p({x})', '{g} / ({x} + {one})'),
    'log2': ('np.log2({x})', '{g} / ({x} * {ln2})'),
    'log10': ('np.log10({x})', '{g} / ({x} * {ln10})'),
    'sqrt': ('np.sqrt({x})', '{g} / ({ans} * {two})'),
    'cbrt': ('np.cbrt({x})', '{g} / ({ans} * {ans} * {three})'),
    'square': ('{x} * {x}', '{g} * {x} * {two}'),
    'reciprocal': ('{one} / {x}', '-{g} * {ans} * {ans}'),
    'sin': ('np.sin({x})', '{g} * np.cos({x})'),
    'cos': ('np.cos({x})', '-{g} * np.sin({x})'),
    'tan': ('np.tan({x})', '{g} * ({ans} * {ans} + {one})'),
    'arcsin': ('np.arcsin({x})', '{g} / np.sqrt({one} - {x} * {x})'),
    'arccos': ('np.arccos({x})', '-{g} / np.sqrt({one} - {x} * {x})'),
    'arctan': ('np.arctan({x})', '{g} / ({x} * {x} + {one})'),
    'sinh': ('np.sinh({x})', '{g} * np.cosh({x})'),
    'cosh': ('np.cosh({x})', '{g} * np.sinh({x})'),
    'tanh': ('_tanh({x})', '{g} * ({one} - {ans} * {ans})'),
    'arcsinh': ('np.arcsinh({x})', '{g} / np.sqrt({x} * {x} + {one})'),
    'arccosh': ('np.arccosh({x})', '{g} / np.sqrt({x} * {x} - {one})'),
    'arctanh': ('np.arctanh({x})', '{g} / ({one} - {x} * {x})'),
    'sigmoid': ('_sigmoid({x})', '{g} * {ans} * ({one} - {ans})'),
    'relu': ('_relu({x})', '({g} if {x} > {zero} else {zero})'),
    'sign': ('_sign({x})', None),
    'floor': ('np.floor({x})', None),
    'ceil': ('np.ceil({x})', None),
    'round': ('np.rint({x})', None),
    'copy': ('{x}', '{g}'),
}

# name -> (forward, derivative wrt a, derivative wrt b); operands broadcast
BINARY = {
    'add': ('{a} + {b}', '{g}', '{g}'),
    'subtract': ('{a} - {b}', '{g}', '-{g}'),
    'multiply': ('{a} * {b}', '{g} * {b}', '{g} * {a}'),
    'divide': ('{a} / {b}', '{g} / {b}', '-{g} * {ans} / {b}'),
    'power': ('{a} ** {b}', '{g} * {b} * {a} ** ({b} - {one})', '{g} * {ans} * np.log({a})'),
    # ties go to the first operand (MXNet)
    'maximum': ('np.maximum({a}, {b})', '({g} if {a} >= {b} else {zero})',
                '({g} if {a} < {b} else {zero})'),
    'minimum': ('np.minimum({a}, {b})', '({g} if {a} <= {b} else {zero})',
                '({g} if {a} > {b} else {zero})'),
    'mod': ('np.mod({a}, {b})', '{g}', '-{g} * np.floor({a} / {b})'),
}

# (name, scalar position) -> (forward, derivative wrt the array input x).
# Position 1: ``x (op) s``; position 0: ``s (op) x``.  ``{logs}`` is log(s) as eager mode
# computes it (-inf at 0, NaN below).
SCALAR = {
    ('add', 1): ('{x} + {s}', '{g}'),
    ('add', 0): ('{s} + {x}', '{g}'),
    ('subtract', 1): ('{x} - {s}', '{g}'),
    ('subtract', 0): ('{s} - {x}', '-{g}'),
    ('multiply', 1): ('{x} * {s}', '{g} * {s}'),
    ('multiply', 0): ('{s} * {x}', '{g} * {s}'),
    ('divide', 1): ('{x} / {s}', '{g} / {s}'),
    ('divide', 0): ('{s} / {x}', '-{g} * {ans} / {x}'),
    ('power', 1): ('{x} ** {s}', '{g} * {s} * {x} ** ({s} - {one})'),
    ('power', 0): ('{s} ** {x}', '{g} * {ans} * {logs}'),
    # the array gets a tie (MXNet)
    ('maximum', 1): ('np.maximum({x}, {s})', '({g} if {x} >= {s} else {zero})'),
    ('maximum', 0): ('np.maximum({s}, {x})', '({g} if {x} >= {s} else {zero})'),
    ('minimum', 1): ('np.minimum({x}, {s})', '({g} if {x} <= {s} else {zero})'),
    ('minimum', 0): ('np.minimum({s}, {x})', '({g} if {x} <= {s} else {zero})'),
    ('mod', 1): ('np.mod({x}, {s})', '{g}'),
    ('mod', 0): ('np.mod({s}, {x})', '-{g} * np.floor({s} / {x})'),
}

# comparisons (bool results, no gradient): what the tracer sees user code compute from
# recorded values, e.g. a relu mask ``x > 0`` or a loop condition
COMPARE = {
    'greater': '{a} > {b}', 'greater_equal': '{a} >= {b}', 'less': '{a} < {b}',
    'less_equal': '{a} <= {b}', 'equal': '{a} == {b}', 'not_equal': '{a} != {b}',
}

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
