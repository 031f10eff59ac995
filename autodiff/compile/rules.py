"""The compiler's op table: forward formula and local derivatives per op, as source text.

Every entry mirrors the eager kernel and backward rule of the same op (``autodiff.kernels``,
``autodiff.ops``), so a fused program computes the same values up to float rounding.
Templates are ``str.format`` strings over symbols that hold one element each:

- ``{x}`` the array input of a unary op or of an op with a Python scalar operand,
  ``{a}``/``{b}`` the inputs of an array-array binary op, ``{s}`` the scalar operand
  (a module constant already cast to the arrays' dtype), ``{ans}`` the op's result,
  ``{g}`` the adjoint (upstream gradient) of the result;
- ``ONE``, ``TWO``, ``ZERO`` constants of the arrays' dtype (so float32 math stays float32);
- ``_tanh``, ``_sigmoid``, ``_relu``, ``_sign`` scalar helpers (``autodiff.compile._scalar``).

A derivative template gives the contribution ``g * d ans / d input`` to that input's adjoint.
"""

# name -> (forward, derivative)
UNARY = {
    'negative': ('-{x}', '-{g}'),
    'abs': ('np.abs({x})', '{g} * _sign({x})'),
    'exp': ('np.exp({x})', '{g} * {ans}'),
    'expm1': ('np.expm1({x})', '{g} * np.exp({x})'),
    'log': ('np.log({x})', '{g} / {x}'),
    'log1p': ('np.log1p({x})', '{g} / ({x} + ONE)'),
    'sqrt': ('np.sqrt({x})', '{g} / ({ans} * TWO)'),
    'square': ('{x} * {x}', '{g} * {x} * TWO'),
    'reciprocal': ('ONE / {x}', '-{g} * {ans} * {ans}'),
    'sin': ('np.sin({x})', '{g} * np.cos({x})'),
    'cos': ('np.cos({x})', '-{g} * np.sin({x})'),
    'tanh': ('_tanh({x})', '{g} * (ONE - {ans} * {ans})'),
    'sigmoid': ('_sigmoid({x})', '{g} * {ans} * (ONE - {ans})'),
    'relu': ('_relu({x})', '({g} if {x} > ZERO else ZERO)'),
}

# name -> (forward, derivative wrt a, derivative wrt b)
BINARY = {
    'add': ('{a} + {b}', '{g}', '{g}'),
    'subtract': ('{a} - {b}', '{g}', '-{g}'),
    'multiply': ('{a} * {b}', '{g} * {b}', '{g} * {a}'),
    'divide': ('{a} / {b}', '{g} / {b}', '-{g} * {ans} / {b}'),
    'power': ('{a} ** {b}', '{g} * {b} * {a} ** ({b} - ONE)', '{g} * {ans} * np.log({a})'),
}

# (name, scalar position) -> (forward, derivative wrt the array input x).
# Position 1: ``x (op) s``; position 0: ``s (op) x``.  Power's derivatives depend on the
# scalar's value (as in eager mode); ``scalar_rule`` picks them.
SCALAR = {
    ('add', 1): ('{x} + {s}', '{g}'),
    ('add', 0): ('{s} + {x}', '{g}'),
    ('subtract', 1): ('{x} - {s}', '{g}'),
    ('subtract', 0): ('{s} - {x}', '-{g}'),
    ('multiply', 1): ('{x} * {s}', '{g} * {s}'),
    ('multiply', 0): ('{s} * {x}', '{g} * {s}'),
    ('divide', 1): ('{x} / {s}', '{g} / {s}'),
    ('divide', 0): ('{s} / {x}', '-{g} * {ans} / {x}'),
    ('power', 1): ('{x} ** {s}', '{g} * {s} * {x} ** ({s} - ONE)'),
    ('power', 0): ('{s} ** {x}', '{g} * {ans} * {logs}'),
}

# full reductions that may end the program (the head)
REDUCTIONS = ('sum', 'mean')


def scalar_rule(name, pos, s):
    """(forward, derivative) of the scalar form, or None when the compiler does not take it."""
    rule = SCALAR.get((name, pos))
    if rule is None:
        return None
    if (name, pos) == ('power', 1) and s == 0:
        return rule[0], '{g} * ZERO'                    # eager: g * 0
    return rule


def supported_names():
    """Names of the elementwise ops the compiler fuses (for messages and tests)."""
    return sorted(set(UNARY) | set(BINARY) | {n for n, _ in SCALAR})
