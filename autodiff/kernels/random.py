"""The implicit reparameterisation gradient of Gamma draws with respect to the shape.

A standard Gamma(a) draw z is the inverse CDF of a uniform u, P(a, z) = u, so with u
held fixed (Figurnov et al., 2018, "Implicit reparameterization gradients")

    dz/da = -(dP/da)(a, z) / p(z; a),    p(z; a) = z^(a-1) e^(-z) / Gamma(a).

With the series P(a, z) = z^a e^(-z) / Gamma(a + 1) * S, S = sum_n t_n,
t_0 = 1, t_n = t_(n-1) z / (a + n), one has P / p = z S / a and
d log P / da = log z - psi(a + 1) + S' / S with S' = -sum_n t_n H_n,
H_n = sum_(k<=n) 1 / (a + k); hence dz/da = -(z / a) (S (log z - psi(a + 1)) + S').
The series converges for every z; it needs about z - a + 10 sqrt(max(a, z)) terms.
"""
import math

from ._jit import kernel
from .special import digamma_scalar


@kernel
def gamma_shape_grad(a, z, out):
    """out[i] = dz/da of the standard Gamma(a[i]) draw z[i] (float64 1-D arrays)."""
    for i in range(a.shape[0]):
        ai = a[i]
        x = z[i]
        if not x > 0.0:                  # an underflowed draw (tiny a): z stays at 0
            out[i] = 0.0
            continue
        t = 1.0
        s = 1.0
        ds = 0.0
        h = 0.0
        n = 0
        while n < 10000000:
            n += 1
            d = ai + n
            t *= x / d
            h += 1.0 / d
            s += t
            ds -= t * h
            if d > x and t * (1.0 + h) <= 1e-17 * (s + abs(ds)):
                break
        out[i] = -(x / ai) * (s * (math.log(x) - digamma_scalar(ai + 1.0)) + ds)
