#!/usr/bin/env python3
"""Fits the rational approximations that keyshield.nn.GeluFloat32 evaluates (numpy and scipy).

Both Phi(x) and Phi(x) + x*phi(x) are 1/2 plus an odd function, so each is fitted as
    1/2 + x * P(v) / Q(v),   v = x^2 / umax,   Q(0) = 1,
on u = x^2 in [0, umax]. The fit minimizes the absolute error of x*P/Q by linearized weighted least
squares (the Loeb iteration: divide each row by the last Q) with Lawson reweighting towards the worst
points. Prints the coefficients, the maximum error on a dense grid and min Q on [0, 1] (a pole check).
"""
import numpy as np
from scipy.special import erf


def fit(f, umax, m, n, iters=30):
    u = umax * (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, 6000)))     # Chebyshev-spaced in u
    v, y, s = u / umax, f(u), np.sqrt(u) + 1e-3                        # s ~ |x|: the error that matters is x*(R - f)
    q, lw, best = np.ones_like(u), np.ones_like(u), None
    for it in range(iters):
        A = np.hstack([v[:, None] ** np.arange(m + 1), -y[:, None] * v[:, None] ** np.arange(1, n + 1)])
        W = (lw * s / q)[:, None]
        c, *_ = np.linalg.lstsq(A * W, y * W[:, 0], rcond=None)
        p, qq = c[:m + 1], np.concatenate([[1.0], c[m + 1:]])
        q = np.polyval(qq[::-1], v)
        err = np.abs((np.polyval(p[::-1], v) / q - y) * s)
        if best is None or err.max() < best[0]:
            best = (err.max(), p.copy(), qq.copy())
        if it > 5:
            lw = lw * (err / err.max() + 1e-3) ** 0.5
        lw /= lw.max()
    return best


# (Phi(x) - 1/2) / x and (Phi(x) + x phi(x) - 1/2) / x as functions of u = x^2
cdf = lambda u: np.where(u > 0, erf(np.sqrt(u / 2)) / 2 / np.sqrt(np.maximum(u, 1e-300)), 1 / np.sqrt(2 * np.pi))
dcdf = lambda u: cdf(u) + np.exp(-u / 2) / np.sqrt(2 * np.pi)

np.set_printoptions(precision=17)
for name, f, umax, deg in [("Phi: P/Q", cdf, 32.0, (7, 7)), ("Phi + x phi: R/S", dcdf, 42.25, (8, 8))]:
    _, p, q = fit(f, umax, *deg)
    v = np.linspace(0, 1, 2_000_001)
    u = v * umax
    err = np.abs((np.polyval(p[::-1], v) / np.polyval(q[::-1], v) - f(u)) * np.sqrt(u))
    print(f"{name}, umax {umax}, degrees {deg}: max |error| {err.max():.3g}, min denominator {np.polyval(q[::-1], v).min()}")
    print("  numerator  ", repr(p))
    print("  denominator", repr(q))
