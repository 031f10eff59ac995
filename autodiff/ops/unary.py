"""Elementwise unary ops: one row each -- name, scalar expression, VJP (``ops/elementwise.py``).

The expression (over ``x``) generates the eager kernel and the compiler's forward
template; the VJP ``vjp(g, ans, x)`` takes the upstream gradient, the op's result and
its input (arrays with history) and is written with the library's own ops, so every
rule can itself be differentiated (higher-order gradients).  ``ints='same'`` (or an
integer expression) keeps an integer input's dtype, as NumPy and MXNet do for these ops;
the others compute integers in float32.
"""
import math

from .elementwise import unary, binary, predicate, zeros_like_grad  # noqa: F401  (zeros_like_grad: API)

_LN2, _LN10 = math.log(2.0), math.log(10.0)


# ---- arithmetic and powers ------------------------------------------------------------------
negative = unary('negative', '-x', lambda g, ans, x: -g, ints='same', vjp_expr='-g')
positive = unary('positive', 'x', lambda g, ans, x: g, ints='same')
abs = unary('abs', 'np.abs(x)', lambda g, ans, x: g * sign(x), ints='_abs_int(x)')  # abs'(0) = 0
fabs = unary('fabs', 'np.abs(x)', lambda g, ans, x: g * sign(x), ints='_abs_int(x)')  # int: MXNet
sign = unary('sign', '_sign(x)', None, ints='_sign_int(x)')
square = unary('square', 'x * x', lambda g, ans, x: g * x * 2, ints='same',
               vjp_expr='g * x * 2')
reciprocal = unary('reciprocal', '1 / x', lambda g, ans, x: -g * ans * ans)
sqrt = unary('sqrt', 'np.sqrt(x)', lambda g, ans, x: g / (ans * 2))
cbrt = unary('cbrt', 'np.cbrt(x)', lambda g, ans, x: g / (ans * ans * 3))

# ---- exponentials and logarithms ------------------------------------------------------------
exp = unary('exp', 'np.exp(x)', lambda g, ans, x: g * ans, vjp_expr='g * ans')
expm1 = unary('expm1', 'np.expm1(x)', lambda g, ans, x: g * exp(x))  # not ans + 1: exact for x << 0
log = unary('log', 'np.log(x)', lambda g, ans, x: g / x, vjp_expr='g / x')
log1p = unary('log1p', 'np.log1p(x)', lambda g, ans, x: g / (x + 1))
log2 = unary('log2', 'np.log2(x)', lambda g, ans, x: g / (x * _LN2))
log10 = unary('log10', 'np.log10(x)', lambda g, ans, x: g / (x * _LN10))

# ---- trigonometric and hyperbolic -----------------------------------------------------------
# (vjp_expr: sin_grad's and cos_grad's expressions below, for autodiff/scalar_pass.py)
sin = unary('sin', 'np.sin(x)', lambda g, ans, x: sin_grad(g, x), vjp_expr='g * np.cos(x)')
cos = unary('cos', 'np.cos(x)', lambda g, ans, x: cos_grad(g, x),
            vjp_expr='-(g * np.sin(x))')
tan = unary('tan', 'np.tan(x)', lambda g, ans, x: g * (ans * ans + 1))
arcsin = unary('arcsin', 'np.arcsin(x)', lambda g, ans, x: g / sqrt(1 - x * x))
arccos = unary('arccos', 'np.arccos(x)', lambda g, ans, x: -g / sqrt(1 - x * x))
arctan = unary('arctan', 'np.arctan(x)', lambda g, ans, x: g / (x * x + 1))
sinh = unary('sinh', 'np.sinh(x)', lambda g, ans, x: g * cosh(x))
cosh = unary('cosh', 'np.cosh(x)', lambda g, ans, x: g * sinh(x))
tanh = unary('tanh', '_tanh(x)', lambda g, ans, x: tanh_grad(g, ans),
             vjp_expr='g * (1 - ans * ans)')
arcsinh = unary('arcsinh', 'np.arcsinh(x)', lambda g, ans, x: g / sqrt(x * x + 1))
arccosh = unary('arccosh', 'np.arccosh(x)', lambda g, ans, x: g / sqrt(x * x - 1))
arctanh = unary('arctanh', 'np.arctanh(x)', lambda g, ans, x: g / (1 - x * x))
deg2rad = unary('deg2rad', 'x * 0.017453292519943295', lambda g, ans, x: g * 0.017453292519943295)
rad2deg = unary('rad2deg', 'x * 57.29577951308232', lambda g, ans, x: g * 57.29577951308232)
radians, degrees = deg2rad, rad2deg

# ---- rounding: piecewise constant (zero gradient) -------------------------------------------
floor = unary('floor', 'np.floor(x)', None, ints='x')
ceil = unary('ceil', 'np.ceil(x)', None, ints='x')
round = unary('round', 'np.rint(x)', None, ints='x')
trunc = unary('trunc', 'np.trunc(x)', None, ints='x')
fix = unary('fix', '_fix(x)', None, ints='x')
rint = around = round_ = round
spacing = unary('spacing', '_spacing(x)', None)

# ---- bitwise (integers and bools; not differentiable) ---------------------------------------
invert = unary('invert', '_invert(x)', None, ints='same', bools='keep', differentiable=False,
               floats="ufunc 'invert' not supported for float inputs, only integers and bools")
bitwise_not = invert

# ---- fused backward helpers of tanh and sigmoid: binary rows of (g, ans), one pass instead of three
# d/dg = 1 - ans^2 (tanh_grad of h itself), d/dans = -2 g ans
tanh_grad = binary('tanh_grad', 'a * (1 - b * b)',
                   lambda h, ans, g, y, n: (tanh_grad(h, y) if n[0] else None,
                                            h * g * y * -2 if n[1] else None),
                   vjp_exprs=('g * (1 - b * b)', 'g * a * b * -2'),
                   doc="g * (1 - ans * ans): tanh's backward from its result (differentiable).")
# d/dg = ans (1 - ans) (sigmoid_grad of h), d/dans = g (1 - 2 ans)
sigmoid_grad = binary('sigmoid_grad', 'a * b * (1 - b)',
                      lambda h, ans, g, y, n: (sigmoid_grad(h, y) if n[0] else None,
                                               h * g * (1 - y * 2) if n[1] else None),
                      vjp_exprs=('g * b * (1 - b)', 'g * a * (1 - b * 2)'),
                      doc="g * ans * (1 - ans): sigmoid's backward from its result "
                          "(differentiable).")

# ---- fused backward helpers of sin and cos: binary rows of (g, x), one op instead of two
# (three for cos: -g * sin(x)); each differentiates into the other, so every order of a
# sin/cos chain records one op per rule.  Integers compute in float32 (as sin and cos).
# d/dg = cos(x) (sin_grad of h), d/dx = -g sin(x) (cos_grad of h g)
sin_grad = binary('sin_grad', 'a * np.cos(b)',
                  lambda h, ans, g, x, n: (sin_grad(h, x) if n[0] else None,
                                           cos_grad(h * g, x) if n[1] else None),
                  ints='float', vjp_exprs=('g * np.cos(b)', '-(g * a * np.sin(b))'),
                  doc="g * cos(x): sin's backward from its input (differentiable).")
# d/dg = -sin(x) (cos_grad of h), d/dx = -g cos(x) (minus sin_grad of h g)
cos_grad = binary('cos_grad', '-(a * np.sin(b))',
                  lambda h, ans, g, x, n: (cos_grad(h, x) if n[0] else None,
                                           -sin_grad(h * g, x) if n[1] else None),
                  ints='float', vjp_exprs=('-(g * np.sin(b))', '-(g * a * np.cos(b))'),
                  doc="-g * sin(x): cos's backward from its input (differentiable).")

# ---- activations ----------------------------------------------------------------------------
relu = unary('relu', '_relu(x)', lambda g, ans, x: g * (x > 0), ints='x if x > 0 else 0')  # relu'(0) = 0
sigmoid = unary('sigmoid', '_sigmoid(x)', lambda g, ans, x: sigmoid_grad(g, ans),
                vjp_expr='g * ans * (1 - ans)')
absolute = abs

# ---- predicates: bool results, not differentiable -------------------------------------------
isnan = predicate('isnan', 'x != x', int_answer=False)
isinf = predicate('isinf', 'x == np.inf or x == -np.inf', int_answer=False)
isfinite = predicate('isfinite', 'x - x == 0', int_answer=True)
isposinf = predicate('isposinf', 'x == np.inf', int_answer=False)
isneginf = predicate('isneginf', 'x == -np.inf', int_answer=False)
signbit = predicate('signbit', 'np.signbit(x)')
logical_not = predicate('logical_not', 'x == 0')
