"""Random draws that come out the same on every machine.

``numpy.random.Generator.multivariate_normal`` factors the covariance by SVD (or ``eigh``). Singular
vectors are defined only up to sign, and within a repeated eigenvalue only up to rotation, and which
ones LAPACK returns depends on the BLAS kernel: the same seed then gives other draws on another
CPU. A Cholesky factor is unique, so the draws here depend on the machine only in the last bits,
which the generators' rounding to a stated precision absorbs.
"""
from __future__ import annotations

import numpy as np


def cholesky_psd(cov: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Lower-triangular ``L`` with ``L @ L.T == cov`` for a positive semi-definite ``cov``.

    Unlike :func:`numpy.linalg.cholesky` it accepts singular covariances (a variable with no
    variance, or one that is an exact combination of others): a pivot below ``tol`` times the
    largest variance gives a zero column. Written out element by element, without BLAS, so the
    factor does not depend on the BLAS kernel.
    """
    cov = np.asarray(cov, dtype=float)
    k = cov.shape[0]
    if cov.shape != (k, k) or not np.allclose(cov, cov.T, rtol=0, atol=1e-12 * max(1.0, np.abs(cov).max())):
        raise ValueError("the covariance must be a symmetric square matrix")
    scale = max(float(np.max(np.diag(cov))), 0.0)
    L = np.zeros_like(cov)
    for j in range(k):
        pivot = cov[j, j] - np.sum(L[j, :j] * L[j, :j])
        if pivot < -tol * max(scale, 1.0) * 1e3:
            raise ValueError(f"the covariance is not positive semi-definite (pivot {pivot:.3g} at {j})")
        if pivot <= tol * scale:
            continue  # no variance left in this direction: a zero column
        L[j, j] = np.sqrt(pivot)
        for i in range(j + 1, k):
            L[i, j] = (cov[i, j] - np.sum(L[i, :j] * L[j, :j])) / L[j, j]
    return L


def multivariate_normal(rng: np.random.Generator, mean, cov, size: int) -> np.ndarray:
    """``size`` draws from N(mean, cov), shape ``(size, len(mean))``, the same on every machine.

    Uses the same standard normals as ``rng.multivariate_normal`` (so it advances ``rng`` alike), and
    the unique Cholesky factor of ``cov`` instead of an SVD.
    """
    mean = np.broadcast_to(np.asarray(mean, dtype=float), (np.shape(cov)[0],))
    z = rng.standard_normal((int(size), len(mean)))
    # einsum's own loops, not BLAS: the sum over j runs in the same order on every CPU
    return mean + np.einsum("nj,ij->ni", z, cholesky_psd(cov))
