"""book.simulate.draws: multivariate normal draws from a unique Cholesky factor."""
import numpy as np
import pytest

from book.simulate.draws import cholesky_psd, multivariate_normal


def test_factor_equals_numpy_cholesky_on_a_positive_definite_matrix():
    a = np.random.default_rng(1).standard_normal((6, 6))
    cov = a @ a.T + 6 * np.eye(6)
    np.testing.assert_allclose(cholesky_psd(cov), np.linalg.cholesky(cov), rtol=1e-12, atol=1e-12)


def test_a_singular_covariance_gets_zero_columns_and_is_reproduced():
    cov = np.zeros((3, 3))
    cov[:2, :2] = [[1.0, 0.5], [0.5, 1.0]]  # the third variable has no variance
    L = cholesky_psd(cov)
    assert (L[:, 2] == 0).all()
    np.testing.assert_allclose(L @ L.T, cov, atol=1e-14)
    full_rank_2 = np.array([[1.0, 1.0], [1.0, 1.0]])  # perfectly correlated
    np.testing.assert_allclose(cholesky_psd(full_rank_2) @ cholesky_psd(full_rank_2).T, full_rank_2, atol=1e-14)


def test_refuses_a_matrix_that_is_not_a_covariance():
    with pytest.raises(ValueError, match="symmetric square"):
        cholesky_psd(np.array([[1.0, 0.2], [0.3, 1.0]]))
    with pytest.raises(ValueError, match="not positive semi-definite"):
        cholesky_psd(np.array([[1.0, 2.0], [2.0, 1.0]]))


def test_draws_have_the_covariance_and_advance_the_stream_as_numpy_does():
    cov = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, 0.3], [0.0, 0.3, 0.5]])
    rng = np.random.default_rng(7)
    x = multivariate_normal(rng, [1.0, 2.0, 3.0], cov, size=200_000)
    np.testing.assert_allclose(x.mean(axis=0), [1, 2, 3], atol=0.01)
    np.testing.assert_allclose(np.cov(x, rowvar=False), cov, atol=0.015)
    after_ours = rng.standard_normal()
    rng2 = np.random.default_rng(7)
    rng2.multivariate_normal([1.0, 2.0, 3.0], cov, size=200_000)
    assert after_ours == rng2.standard_normal()
