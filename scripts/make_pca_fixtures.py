#!/usr/bin/env python3
"""Golden values for pca() (src/explain/projections/pca.ts): numpy's SVD-based PCA, the
definition scikit-learn uses — centre the rows, U·S·Vᵀ = svd(X − mean), components = Vᵀ[:k],
projected = (X − mean)·componentsᵀ, explained variance = S² / (n − 1), ratio = S² / ΣS².

Three cases cover the three code paths of pca(): more vectors than dimensions (covariance,
decomposed whole), fewer vectors than dimensions (Gram matrix), and d > 200 (subspace
iteration). The large case's vectors come from a formula the test repeats in TypeScript
(rounded to float32), so only its results are stored.

Writes test/fixtures/projections/pca.json. Run: /usr/bin/python3 scripts/make_pca_fixtures.py
"""
import json
import os

import numpy as np


def svd_pca(x, k):
    x = x.astype(np.float64)
    mean = x.mean(axis=0)
    centred = x - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    n = x.shape[0]
    return {
        'components': vt[:k].tolist(),
        'projected': (centred @ vt[:k].T).tolist(),
        'mean': mean.tolist(),
        'explainedVariance': (s[:k] ** 2 / (n - 1)).tolist(),
        'explainedVarianceRatio': (s[:k] ** 2 / np.sum(s ** 2)).tolist(),
    }


def formula_vectors(n, d):
    """Five latent factors with loadings of falling scale plus a small structured 'noise'.
    Must match largeCaseVectors() in test/explain/pca.test.ts."""
    i = np.arange(n, dtype=np.float64)[:, None]
    j = np.arange(d, dtype=np.float64)[None, :]
    x = np.zeros((n, d))
    for c, scale in enumerate([5.0, 3.0, 2.0, 1.2, 0.8]):
        x += scale * np.sin(1.3 * (c + 1) * i + c) * np.cos(0.7 * (c + 1) * j + 0.3 * c)
    x += 0.1 * np.sin(0.013 * i * j + 0.5 * i + 0.9 * j)
    return x.astype(np.float32)


def main():
    rng = np.random.default_rng(15)
    tall = (rng.standard_normal((60, 16)) * np.linspace(4.0, 0.5, 16) + 3.0).astype(np.float32)
    wide = (rng.standard_normal((12, 40)) * np.linspace(3.0, 0.2, 40)).astype(np.float32)
    large = formula_vectors(500, 256)
    out = {
        'tall': {'vectors': tall.tolist(), 'k': 3, **svd_pca(tall, 3)},
        'wide': {'vectors': wide.tolist(), 'k': 4, **svd_pca(wide, 4)},
        'large': {'n': 500, 'd': 256, 'k': 3, **svd_pca(large, 3)},
    }
    out['large']['projected'] = out['large']['projected'][:20]
    del out['large']['mean']
    path = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'projections', 'pca.json')
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print('wrote', os.path.normpath(path))


main()
