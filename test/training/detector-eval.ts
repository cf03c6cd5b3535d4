// Held-out evaluation of a trained detector through the public pipelines (shared by the detector tests and bench/training.ts).
import * as tf from '@tensorflow/tfjs';
import { TfjsRunner, pipeline, yoloModel, yoloSegModel } from '../../src/node/index';
import type { Box } from '../../src/core/types';
import { type MapResult, meanAveragePrecision } from '../../src/eval/map';
import { maskIoU } from '../../src/eval/mask-iou';
import type { ShapeScene } from '../../src/testing/index';

/** The model saved to memory and loaded back (what a user's save/load does). */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

function boxIou(a: Box, b: Box): number {
  const iw = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const ih = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = iw * ih;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

/**
 * COCO box mAP of an exported detector on `scenes`, run through `pipeline('object-detection')`
 * (or `'instance-segmentation'` with `withMasks`, native-resolution masks). `maskIoU`: mean over
 * ground-truth objects of the mask IoU with the best same-class detection of box IoU ≥ 0.5
 * (0 when there is none).
 */
export async function evaluateDetector(model: tf.LayersModel, scenes: readonly ShapeScene[], labels: readonly string[], withMasks: boolean): Promise<MapResult & { maskIoU: number }> {
  const runner = new TfjsRunner(model, tf.getBackend());
  const numExtras = (model.getUserDefinedMetadata() as { visionpipeDetector: { numPrototypes: number } }).visionpipeDetector.numPrototypes;
  const inputSize = scenes[0].image.width;
  const images = [];
  const ious: number[] = [];
  if (withMasks) {
    const spec = yoloSegModel({ url: 'memory', format: 'tfjs', inputSize, labels, numExtras });
    const seg = await pipeline('instance-segmentation', { model: runner, spec, threshold: 0.05, maskMode: 'native' });
    for (const s of scenes) {
      const { instances } = await seg.run(s.image);
      images.push({ groundTruth: s.objects, detections: instances });
      for (const o of s.objects) {
        const best = instances.filter((d) => d.classId === o.classId).map((d) => ({ d, iou: boxIou(d.box, o.box) })).sort((a, b) => b.iou - a.iou)[0];
        ious.push(best && best.iou >= 0.5 ? maskIoU(best.d.mask.toUint8Array(), o.mask!) : 0);
      }
      instances.forEach((d) => d.mask.close());
    }
    seg.dispose();
  } else {
    const spec = yoloModel({ url: 'memory', version: 'v8', format: 'tfjs', inputSize, labels, numExtras });
    const det = await pipeline('object-detection', { model: runner, spec, threshold: 0.05 });
    for (const s of scenes) images.push({ groundTruth: s.objects, detections: (await det.run(s.image)).detections });
    det.dispose();
  }
  return { ...meanAveragePrecision(images), maskIoU: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : Number.NaN };
}
