import { describe, expect, it } from 'vitest';
import { isVisionError } from '../../src/core/errors';
import { umap } from '../../src/explain';
import { seededRandom } from '../../src/explain/projections/seeded-random';

/** Three Gaussian blobs in 64-D (σ = 1, centres 10 apart along random directions), 40 points each. */
function blobs(): { vectors: Float32Array[]; labels: number[] } {
  const random = seededRandom(3);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = [0, 1, 2].map(() => Float32Array.from({ length: 64 }, () => gaussian() * 10 / Math.sqrt(2)));
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 120; i++) {
    const label = i % 3;
    const centre = centres[label] as Float32Array;
    vectors.push(centre.map((c) => c + gaussian()));
    labels.push(label);
  }
  return { vectors, labels };
}

/** Share of each point's k nearest neighbours (2-D, Euclidean) that carry its label. */
function knnPurity(points: Float32Array[], labels: number[], k: number): number {
  let same = 0;
  points.forEach((p, i) => {
    const nearest = points
      .map((q, j) => ({ j, d: Math.hypot((p[0] as number) - (q[0] as number), (p[1] as number) - (q[1] as number)) }))
      .filter(({ j }) => j !== i)
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    same += nearest.filter(({ j }) => labels[j] === labels[i]).length;
  });
  return same / (points.length * k);
}

describe('umap', () => {
  const { vectors, labels } = blobs();

  it('separates three Gaussian blobs in 64-D (5-NN purity in 2-D ≥ 0.95) and is reproducible with a seed', async () => {
    const progress: number[] = [];
    const first = await umap(vectors, { seed: 7, metric: 'euclidean', epochs: 200, onProgress: (epoch) => progress.push(epoch) });
    const again = await umap(vectors, { seed: 7, metric: 'euclidean', epochs: 200 });
    const other = await umap(vectors, { seed: 8, metric: 'euclidean', epochs: 200 });
    expect(first.projected).toHaveLength(120);
    expect(first.projected[0]).toHaveLength(2);
    expect(knnPurity(first.projected, labels, 5)).toBeGreaterThanOrEqual(0.95);
    expect(knnPurity(other.projected, labels, 5)).toBeGreaterThanOrEqual(0.95);
    expect(again.projected).toEqual(first.projected);
    expect(other.projected).not.toEqual(first.projected);
    expect(progress.at(-1)).toBe(200);
  });

  it('cosine metric (the default) separates the blobs too', async () => {
    const { projected } = await umap(vectors, { epochs: 200 });
    expect(knnPurity(projected, labels, 5)).toBeGreaterThanOrEqual(0.95);
  });

  it('stops with ABORTED when the signal fires, and rejects bad input and options', async () => {
    const controller = new AbortController();
    const aborted = umap(vectors, { signal: controller.signal, onProgress: (epoch) => epoch === 3 && controller.abort() });
    await expect(aborted).rejects.toSatisfy((e: unknown) => isVisionError(e, 'ABORTED'));
    await expect(umap(vectors.slice(0, 2))).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_INPUT'));
    // its documented minimum of 3 vectors works with the defaults: one axis (before: "components … got undefined")
    expect((await umap(vectors.slice(0, 3), { seed: 1 })).projected.map((p) => p.length)).toEqual([1, 1, 1]);
    await expect(umap(vectors, { neighbors: 500 })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION'));
    await expect(umap(vectors, { minDist: 1 })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION'));
    // wrong types are refused before any work, not coerced ('0.5') or called (a string as onProgress) or ignored (a signal that is none)
    await expect(umap(vectors, { minDist: '0.5' as never })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION') && e.message.includes('got "0.5"'));
    await expect(umap(vectors, { onProgress: 'x' as never })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION') && e.message.includes('onProgress must be a function'));
    await expect(umap(vectors, { signal: {} as never })).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION') && e.message.includes('signal must be an AbortSignal'));
    // umap-js's own names are no options here (they ran with the defaults: 2 components, not 3)
    await expect(umap(vectors, { nNeighbors: 3, nComponents: 3 } as never)).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION') && e.message.includes('unknown option(s) nNeighbors, nComponents; allowed: components, neighbors'));
    for (const options of [null, 7, 'seed']) {
      await expect(umap(vectors, options as never), String(options)).rejects.toSatisfy((e: unknown) => isVisionError(e, 'INVALID_OPTION') && /^umap options must be an object \(\{ components, .*\}\); got /.test(e.message));
    }
  });
});
