/**
 * Options of the wrong type on the classic tasks (classification, detection, segmentation,
 * pose): `null` options, numbers given as strings, non-boolean flags and bad tracker or
 * smoothing settings are `INVALID_OPTION` naming the option and showing the value (strings
 * quoted) — at creation when they are creation options, not at the first run or first person
 * in a video — and the pipelines keep working.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassificationPipeline,
  type DetectionPipeline,
  type ImageSegmentationPipeline,
  type PoseEstimationPipeline,
  type RawImage,
  decodeImageFile,
  pipeline,
} from '../../src/node/index';
import { facePhoto } from '../helpers/photos';
import { createWorkerPipeline } from '../../src/worker/index';

const refused = (fragment: string) => expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining(fragment) });

describe('options of the wrong type on the classic tasks', () => {
  let photo: RawImage;
  let classifier: ClassificationPipeline;
  let detector: DetectionPipeline;
  let segmenter: ImageSegmentationPipeline;
  let poses: PoseEstimationPipeline;

  beforeAll(async () => {
    photo = await decodeImageFile(facePhoto(2));
    [classifier, detector, segmenter, poses] = await Promise.all([
      pipeline('image-classification', { backend: 'wasm' }),
      pipeline('object-detection', { backend: 'wasm' }),
      pipeline('image-segmentation', { backend: 'wasm' }),
      pipeline('pose-estimation', { backend: 'wasm' }),
    ]);
  }, 120_000);

  afterAll(() => [classifier, detector, segmenter, poses].forEach((p) => p?.dispose()));

  it('run options: null, strings for numbers, non-boolean flags, bad class lists', async () => {
    const before = tf.memory().numTensors;
    await expect(classifier.run(photo, null as never)).rejects.toEqual(refused('run options must be an object'));
    await expect(classifier.run(photo, { threshold: '0.5' as never })).rejects.toEqual(refused('threshold is "0.5"'));
    await expect(classifier.run(photo, { topK: '5' as never })).rejects.toEqual(refused('topK is "5"; it must be a positive integer'));
    await expect(detector.run(photo, null as never)).rejects.toEqual(refused('run options must be an object'));
    await expect(detector.runForVideo(photo, 0, null as never)).rejects.toEqual(refused('run options must be an object'));
    await expect(detector.run(photo, { classes: 5 as never })).rejects.toEqual(refused('classes is 5; it must be a list of class ids'));
    await expect(detector.run(photo, { classes: ['0'] as never })).rejects.toEqual(refused('classes is ["0"]'));
    await expect(detector.run(photo, { agnostic: 'yes' as never })).rejects.toEqual(refused('agnostic is "yes"; it must be true or false'));
    await expect(detector.run(photo, { maxDetections: '5' as never })).rejects.toEqual(refused('maxDetections is "5"'));
    await expect(segmenter.run(photo, { outputCategoryMask: 'no' as never })).rejects.toEqual(refused('outputCategoryMask is "no"'));
    await expect(poses.run(photo, null as never)).rejects.toEqual(refused('run options must be an object'));
    await expect(poses.run(photo, { nmsRadius: '5' as never })).rejects.toEqual(refused('nmsRadius is "5"'));
    // Infinity passed creation and failed every run, blaming the decoder
    await expect(pipeline('pose-estimation', { model: 'posenet-mobilenet', nmsRadius: Number.POSITIVE_INFINITY })).rejects.toEqual(refused('nmsRadius is Infinity; it must be a finite number ≥ 0'));
    expect(tf.memory().numTensors).toBe(before);
    expect((await classifier.run(photo)).classes.length).toBeGreaterThan(0);
    expect((await detector.run(photo)).detections.length).toBeGreaterThan(0);
  });

  it('creation options are checked at creation: options that are not an object, bad defaults, tracker and smoothing settings', async () => {
    for (const options of [null, 'x', 5, []]) {
      await expect(pipeline('image-classification', options as never)).rejects.toEqual(refused('image-classification options must be an object'));
    }
    const ready = <P extends { runner: unknown; spec: unknown }>(p: P) => ({ model: p.runner, spec: p.spec }) as never;
    await expect(pipeline('image-classification', { ...(ready(classifier) as object), topK: 0 })).rejects.toEqual(refused('topK is 0'));
    await expect(pipeline('object-detection', { ...(ready(detector) as object), threshold: 2 })).rejects.toEqual(refused('threshold is 2'));
    await expect(pipeline('object-detection', { ...(ready(detector) as object), tracker: null as never })).rejects.toEqual(refused('tracker is null'));
    await expect(pipeline('object-detection', { ...(ready(detector) as object), tracker: { highThreshold: 2 } })).rejects.toEqual(refused('highThreshold'));
    await expect(pipeline('pose-estimation', { ...(ready(poses) as object), smoothing: 'x' as never })).rejects.toEqual(refused('smoothing is "x"'));
    // an array passed as One-Euro settings ran with the defaults
    await expect(pipeline('pose-estimation', { ...(ready(poses) as object), smoothing: [] as never })).rejects.toEqual(refused('smoothing is an array'));
    await expect(pipeline('pose-estimation', { ...(ready(poses) as object), smoothing: { minCutoff: -1 } })).rejects.toEqual(refused('smoothing: minCutoff'));
    await expect(pipeline('pose-estimation', { ...(ready(poses) as object), tracker: { highThreshold: 5 } })).rejects.toEqual(refused('highThreshold'));
    // a tracker highThreshold alone works: the low threshold derived for it stays below it
    const lowHigh = await pipeline('object-detection', { ...(ready(detector) as object), tracker: { highThreshold: 0.05 } });
    expect((await lowHigh.runForVideo(photo, 0)).detections.length).toBeGreaterThan(0);
    lowHigh.dispose();
  });
  it('a misspelt run option is refused by name, with the names each run takes (it ran with the default)', async () => {
    await expect(classifier.run(photo, { topk: 3 } as never)).rejects.toEqual(refused('run options has unknown option(s) topk; allowed: topK, threshold, tta'));
    await expect(detector.run(photo, { treshold: 0.9 } as never)).rejects.toEqual(refused('run options has unknown option(s) treshold; allowed: threshold, iouThreshold'));
    await expect(detector.runForVideo(photo, 0, { maxDetection: 1 } as never)).rejects.toEqual(refused('unknown option(s) maxDetection'));
    await expect(segmenter.run(photo, { outputCategoryMasks: true } as never)).rejects.toEqual(refused('unknown option(s) outputCategoryMasks'));
    await expect(poses.run(photo, { maxPose: 2 } as never)).rejects.toEqual(refused('unknown option(s) maxPose'));
    // names set to undefined (spread from elsewhere) pass, and every documented one is taken
    const { poses: found } = await poses.run(photo, { threshold: 0.2, maxPoses: 1, decoding: undefined, region: undefined });
    expect(found.length).toBeLessThanOrEqual(1);
    expect((await detector.run(photo, { threshold: 0.3, unknownButUndefined: undefined } as never)).detections.length).toBeGreaterThan(0);
  });

  it('a misspelt creation option is refused by name before any model loads, on every task; worker-only options need worker: true', async () => {
    const misspelt: [string, Record<string, unknown>][] = [
      ['image-classification', { topk: 3 }],
      ['object-detection', { iou: 0.5 }],
      ['image-segmentation', { outputCategoryMasks: true }],
      ['instance-segmentation', { maskTreshold: 0.5 }],
      ['pose-estimation', { smooth: false }],
      ['image-to-text', { beams: 3 }],
      ['face-embedding', { detectorThreshold: 0.5 }],
      ['hand-landmarks', { numHands: 2 }],
      ['face-landmarks', { refineLandmarks: true }],
      ['video-matting', { refineEdges: true }],
      ['image-feature-extraction', { pooling: 'avg' }],
    ];
    for (const [task, options] of misspelt) {
      const name = Object.keys(options)[0];
      await expect(pipeline(task as 'object-detection', options as never), task).rejects.toEqual(refused(`${task} options has unknown option(s) ${name}; allowed: `));
    }
    await expect(pipeline('object-detection', { timeoutMs: 5000 } as never)).rejects.toEqual(refused('timeoutMs is for a pipeline in a worker: add worker: true'));
    await expect(pipeline('object-detection', { progressive: true, backend: ['wasm', 'cpu'] } as never)).rejects.toEqual(refused('progressive is for a progressive pipeline: add worker: true, progressive: true'));
    // the switch settings need progressive: true too, with or without a worker
    await expect(pipeline('object-detection', { switchWhen: 'ready' } as never)).rejects.toEqual(refused('switchWhen is for a progressive pipeline: add worker: true, progressive: true'));
    await expect(pipeline('object-detection', { worker: true, switchWhen: 'ready' } as never)).rejects.toEqual(refused('switchWhen is for a progressive pipeline: add progressive: true'));
    // 'yes' was taken as true (and the message spoke of the backend list); createWorkerPipeline dropped it without a word
    await expect(pipeline('object-detection', { worker: true, progressive: 'yes', backend: ['wasm', 'cpu'] } as never)).rejects.toEqual(refused('progressive is "yes"; it must be true or false'));
    await expect(createWorkerPipeline('object-detection', { progressive: true } as never)).rejects.toEqual(refused('progressive is true; createWorkerPipeline makes one worker pipeline: use createProgressivePipeline'));
    // worker: 0, '' or null built an in-thread pipeline silently ('yes' was refused)
    for (const worker of [0, '', null]) await expect(pipeline('object-detection', { worker } as never)).rejects.toEqual(refused(`worker is ${worker === '' ? '""' : String(worker)}; allowed: true`));
    const inThread = await pipeline('object-detection', { backend: 'wasm', worker: false, progressive: false } as never);
    expect(inThread.task).toBe('object-detection');
    inThread.dispose();
  });
});
