/**
 * TTA and an ensemble raise the trainable detector's held-out mAP@0.5: two tiny detectors
 * trained on generated shape scenes with different seeds (cached in .cache/tta-detectors/ after
 * the first run, see trained-detectors.ts), scored with COCO mAP through
 * pipeline('object-detection') on held-out scenes: single model, flip TTA, and the ensemble of
 * both (WBF). The test asserts neither is lower than the single model.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type DetectionRunOptions, type DetectorEnsemble, TfjsRunner, ensemble, pipeline, yoloModel } from '../../src/node/index';
import { meanAveragePrecision } from '../../src/eval/map';
import type { ShapeScene } from '../../src/testing/index';
import { shapeScenes } from '../helpers/scenes';
import { LABELS, trainedDetector } from './trained-detectors';

let previousBackend = '';
let models: tf.LayersModel[] = [];
let heldOut: ShapeScene[] = [];

async function detectorOf(model: tf.LayersModel): Promise<DetectionPipeline> {
  const spec = yoloModel({ url: 'memory', version: 'v8', format: 'tfjs', inputSize: 64, labels: LABELS, numExtras: 8 });
  return pipeline('object-detection', { model: new TfjsRunner(model, tf.getBackend()), spec, threshold: 0.05 });
}

async function map50(detector: DetectionPipeline | DetectorEnsemble, options: DetectionRunOptions = {}): Promise<number> {
  const images = [];
  for (const s of heldOut) images.push({ groundTruth: s.objects, detections: (await detector.run(s.image, options)).detections });
  return meanAveragePrecision(images).map50;
}

beforeAll(async () => {
  previousBackend = tf.getBackend();
  await tf.setBackend('wasm');
  // seed 8 first: detection-gradients needs seed 7 too and may be training it on the other worker
  const eight = await trainedDetector(8);
  const trained = [await trainedDetector(7), eight];
  console.log(`trained detectors: ${trained.map((t) => (t.cached ? 'cached' : `trained in ${t.seconds.toFixed(0)} s`)).join(', ')}`);
  models = trained.map((t) => t.model);
  heldOut = await shapeScenes(80, 32);
}, 900_000);
afterAll(async () => {
  models.forEach((m) => m.dispose());
  if (previousBackend) await tf.setBackend(previousBackend);
});

describe('TTA and ensembles of the trainable detector (held-out generated scenes, wasm)', () => {
  it('flip TTA and a 2-seed WBF ensemble do not lower mAP@0.5 (figures printed)', async () => {
    const [a, b] = [await detectorOf(models[0]), await detectorOf(models[1])];
    const single = [await map50(a), await map50(b)];
    const flip = await map50(a, { tta: { flip: true } });
    const flipNms = await map50(a, { tta: { flip: true, merge: 'nms' } });
    const both = ensemble([a, b], { merge: 'wbf' });
    const ens = await map50(both);
    const ensNms = await map50(ensemble([a, b], { merge: 'nms' }));
    console.log(`held-out mAP@0.5 (${heldOut.length} scenes): single ${single.map((v) => v.toFixed(3)).join(' / ')}; flip TTA (WBF) ${flip.toFixed(3)}, (NMS) ${flipNms.toFixed(3)}; ensemble of both (WBF) ${ens.toFixed(3)}, (NMS) ${ensNms.toFixed(3)}`);
    expect(flip).toBeGreaterThanOrEqual(single[0]);
    expect(ens).toBeGreaterThanOrEqual(Math.max(...single));
    const before = tf.memory().numTensors;
    await both.run(heldOut[0].image, { tta: { flip: true } });
    expect(tf.memory().numTensors).toBe(before);
    both.dispose();
  }, 300_000);
});
