"""Functions the op table lacks, written with existing differentiable ops (tell the lead)."""
from ... import np


def erf(x):
    """The error function by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): differentiable
    (its gradient approximates ``2/sqrt(pi) exp(-x^2)`` to about 1e-6)."""
    # a = s * x with s = +-1 a constant: unlike abs, its gradient at 0 is 1, not 0
    s = np.where(x >= 0, 1.0, -1.0)
    a = s * x
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (
        -1.453152027 + t * 1.061405429))))
    return s * (1.0 - poly * np.exp(-a * a))
