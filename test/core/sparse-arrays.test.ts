/**
 * An array with a hole (`[a, , c]`, a typo or a deleted entry) given where the SDK checks each
 * entry: the hole is checked as the `undefined` it reads as, so it is the same `VisionError` as
 * an `undefined` entry (the checks used forEach, which skips holes, and the work after them
 * then failed with a TypeError or ran on nothing).
 */
import { describe, expect, it } from 'vitest';
import { ensemble, meanAveragePrecision, mergePredictions, pca, weightedBoxesFusion } from '../../src/index';
import { checkScenes } from '../../src/training/detector/scene-checks';

/** `[, ...rest]`: an array whose entry 0 is a hole. */
function holeFirst<T>(...rest: T[]): T[] {
  const array = new Array<T>(rest.length + 1);
  rest.forEach((value, i) => (array[i + 1] = value));
  return array;
}

describe('arrays with holes are refused like undefined entries', () => {
  const candidates = { boxes: new Float32Array([0, 0, 4, 4]), scores: new Float32Array([0.9]), classIds: new Int32Array([0]) };

  it.each([
    ['pca', () => pca(holeFirst([1, 2], [0, 1], [3, 3])), 'INVALID_INPUT', /pca: vectors must have at least one dimension, row 0 has/],
    ['checkScenes', () => checkScenes(holeFirst(), { size: 8, numClasses: 1, numPrototypes: 0 }), 'INVALID_INPUT', /^scenes\[0\] is undefined; it must be an object$/],
    ['mergePredictions', () => mergePredictions(holeFirst(candidates), 10, 10), 'INVALID_INPUT', /predictions\[0\] must be \{ boxes/],
    ['weightedBoxesFusion', () => weightedBoxesFusion(holeFirst({ boxes: [0, 0, 1, 1], scores: [0.5], labels: [0] })), 'INVALID_INPUT', /models\[0\]\.boxes must be an array/],
    ['meanAveragePrecision', () => meanAveragePrecision(holeFirst({ groundTruth: [], detections: [] })), 'INVALID_INPUT', /^image 0 is undefined/],
    ['ensemble', () => ensemble(holeFirst({ run: () => undefined, dispose: () => undefined, spec: { labels: [] } }, { run: () => undefined, dispose: () => undefined, spec: { labels: [] } }) as never), 'INVALID_OPTION', /detector 0 is not a detection pipeline/],
  ])('%s', (_, call, code, message) => {
    expect(call).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});
