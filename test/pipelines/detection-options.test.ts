/**
 * Detection options a user sets at creation, on ensembles and on the merge: defaults that apply,
 * values of the wrong type refused, and soft-NMS ensembles without decayed copies. Fake YOLOv8
 * runners give fixed outputs (the option handling is under test, not a model).
 */
import { describe, expect, it } from 'vitest';
import { refusal } from '../helpers/refusal';
import '../../src/node/index';
import { type ModelRunner, ensemble, mergePredictions, pipeline, yoloModel } from '../../src/node/index';

/** A YOLOv8-shaped runner answering the anchors given: [cx, cy, w, h, ...class scores] each. */
function fakeYolo(anchors: number[][]): ModelRunner {
  const channels = anchors[0].length;
  const data = new Float32Array(channels * anchors.length);
  anchors.forEach((a, i) => a.forEach((v, c) => (data[c * anchors.length + i] = v)));
  return {
    runtime: 'tfjs',
    backend: 'cpu',
    metadata: {},
    inputs: [{ name: 'x', shape: [1, 64, 64, 3], dtype: 'float32' }],
    outputs: [{ name: 'y', shape: [1, channels, anchors.length], dtype: 'float32' }],
    run: async () => ({ y: { dtype: 'float32', dims: [1, channels, anchors.length], data } }),
    dispose: () => undefined,
  };
}
const cardFor = (labels: string[]) => ({ ...yoloModel({ url: 'x.json', version: 'v8', inputSize: 64, labels, format: 'tfjs' }), outputs: undefined });
const image = { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64, channels: 3 as const };

describe('object-detection creation options', () => {
  it('multiLabel given at creation is the runs’ default (it was accepted and ignored)', async () => {
    const detector = await pipeline('object-detection', { model: fakeYolo([[32, 32, 20, 20, 0.9, 0.8, 0.1]]), spec: cardFor(['a', 'b', 'c']), multiLabel: true });
    expect((await detector.run(image)).detections.map((d) => d.label)).toEqual(['a', 'b']);
    expect((await detector.run(image, { multiLabel: false })).detections.map((d) => d.label)).toEqual(['a']);
    detector.dispose();
  });

  it('gpuSampling and gpuCandidates of the wrong type fail at creation, not at every run', async () => {
    for (const bad of [{ gpuSampling: 'yes' }, { gpuCandidates: 1 }]) {
      expect((await refusal(() => pipeline('object-detection', { model: fakeYolo([[32, 32, 20, 20, 0.9]]), spec: cardFor(['a']), ...(bad as object) }))).code).toBe('INVALID_OPTION');
    }
  });

  it('tta and ensemble numbers of the wrong type are refused at creation (true counted as 1 and found nothing)', async () => {
    const members = async () => [
      await pipeline('object-detection', { model: fakeYolo([[32, 32, 20, 20, 0.9]]), spec: cardFor(['person']) }),
      await pipeline('object-detection', { model: fakeYolo([[33, 32, 20, 20, 0.85]]), spec: cardFor(['person']) }),
    ];
    for (const bad of [{ threshold: true }, { threshold: '0.45' }, { threshold: [0.45] }, { threshold: null }, { iouThreshold: '0.5' }, { maxDetections: 0 }]) {
      const [a, b] = await members();
      const error = await refusal(() => ensemble([a, b], bad as never));
      expect(error.code, JSON.stringify(bad)).toBe('INVALID_OPTION');
      a.dispose();
      b.dispose();
    }
    const tta = await refusal(() => pipeline('object-detection', { model: fakeYolo([[32, 32, 20, 20, 0.9]]), spec: cardFor(['a']), tta: { iouThreshold: '0.5' as never } }));
    expect(tta.message).toContain('tta.iouThreshold is "0.5"; it must be a number in [0, 1]');
  });

  it('an ensemble merged by soft-NMS reports one person, not a decayed copy under every member’s threshold', async () => {
    const a = await pipeline('object-detection', { model: fakeYolo([[32, 32, 20, 20, 0.9]]), spec: cardFor(['person']) });
    const b = await pipeline('object-detection', { model: fakeYolo([[33, 32, 20, 20, 0.85]]), spec: cardFor(['person']) });
    const soft = ensemble([a, b], { merge: 'soft-nms' });
    // person 0.900 | person 0.165 before
    expect((await soft.run(image)).detections.map((d) => d.score.toFixed(3))).toEqual(['0.900']);
    soft.dispose();
  });
});

describe('mergePredictions checks its predictions and options', () => {
  const p = { boxes: new Float32Array([0, 0, 10, 10]), scores: new Float32Array([0.9]), classIds: new Int32Array([0]) };
  it.each([
    ['predictions[0] must be { boxes (4 per box), scores, classIds } of one length; got null', () => mergePredictions([null as never, p], 64, 64)],
    ['predictions must be an array', () => mergePredictions(p as never, 64, 64)],
    ['predictions[0] must be { boxes (4 per box), scores, classIds } of one length; got 4 box values, 0 scores', () => mergePredictions([{ ...p, scores: new Float32Array(0) }], 64, 64, { method: 'nms' })],
    ['agnostic must be true or false; got yes', () => mergePredictions([p], 64, 64, { agnostic: 'yes' as never })],
    ['confType must be one of', () => mergePredictions([p], 64, 64, { method: 'nms', confType: 'bogus' as never })],
    ['scoreThreshold must be a number in [0, 1]', () => mergePredictions([p], 64, 64, { scoreThreshold: 2 })],
  ])('%s', async (message, call) => {
    const error = await refusal(call);
    expect(error.message).toContain(message);
  });

  it('scoreThreshold drops merged boxes under it, for every method', () => {
    const low = { boxes: new Float32Array([40, 40, 50, 50]), scores: new Float32Array([0.2]), classIds: new Int32Array([0]) };
    for (const method of ['wbf', 'nms', 'soft-nms'] as const) {
      const merged = mergePredictions([p, low], 64, 64, { method, scoreThreshold: 0.3 });
      expect(Array.from(merged.scores).every((s) => s >= 0.3), method).toBe(true);
      expect(merged.sourcePrediction.length, method).toBe(merged.scores.length);
    }
  });
});
