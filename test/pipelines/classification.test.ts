import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClassificationPipeline,
  type ModelSpec,
  NSFW_MOBILENET_V2,
  decodeImageFile,
  loadModel,
  pipeline,
} from '../../src/node/index';
import { facePhoto, fixturePhoto, packageFile } from '../helpers/photos';

describe('image-classification pipeline (nsfwjs MobileNetV2, real photos)', () => {
  let classifier: ClassificationPipeline;
  beforeAll(async () => {
    classifier = await pipeline('image-classification');
  });
  afterAll(() => classifier.dispose());

  it.each(['astronaut', 'chelsea', 'coffee'] as const)('calls the %s photo Neutral, with probabilities that sum to 1', async (name) => {
    const { classes } = await classifier.run(fixturePhoto(name));
    expect(classes).toHaveLength(5);
    expect(classes[0]).toMatchObject({ label: 'Neutral', classId: 2 });
    expect(classes[0].score).toBeGreaterThan(0.8);
    expect(classes.reduce((sum, c) => sum + c.score, 0)).toBeCloseTo(1, 4);
    expect(classes.map((c) => c.score)).toEqual([...classes.map((c) => c.score)].sort((a, b) => b - a));
  });

  it.each([1, 2, 3, 4, 5, 6] as const)('calls party photo %i Neutral or Sexy (never Drawing, Hentai or Porn)', async (n) => {
    const { classes } = await classifier.run(facePhoto(n));
    expect(['Neutral', 'Sexy']).toContain(classes[0].label);
    const unlikely = classes.filter((c) => ['Drawing', 'Hentai', 'Porn'].includes(c.label));
    expect(unlikely.reduce((sum, c) => sum + c.score, 0)).toBeLessThan(0.35);
  });

  it('honours topK and threshold', async () => {
    expect((await classifier.run(facePhoto(1), { topK: 2 })).classes).toHaveLength(2);
    const confident = await classifier.run(facePhoto(1), { threshold: 0.3 });
    expect(confident.classes.every((c) => c.score >= 0.3)).toBe(true);
    await expect(classifier.run(facePhoto(1), { topK: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('matches the raw model on the same preprocessed input', async () => {
    const raw = await decodeImageFile(facePhoto(4));
    const image = tf.tensor3d(Int32Array.from(raw.data), [raw.height, raw.width, 3], 'int32');
    const input = tf.tidy(() => tf.expandDims(tf.div(tf.image.resizeBilinear(image, [224, 224], false, true), 255), 0));
    const direct = await classifier.runner.run({ [classifier.runner.inputs[0].name]: input });
    const probabilities = Object.values(direct)[0].data as Float32Array;
    const { classes } = await classifier.run(image);
    for (const c of classes) expect(c.score).toBeCloseTo(probabilities[c.classId], 5);
    tf.dispose([image, input]);
  });

  it('runs a user model given as a ready runner plus its card', async () => {
    const runner = await loadModel(packageFile('nsfwjs', 'dist/models/mobilenet_v2/model.min.js'));
    const spec: ModelSpec = { ...NSFW_MOBILENET_V2, id: 'mine', labels: ['a', 'b', 'c', 'd', 'e'] };
    const mine = await pipeline('image-classification', { model: runner, spec, topK: 1 });
    const { classes } = await mine.run(fixturePhoto('coffee'));
    expect(classes).toEqual([expect.objectContaining({ label: 'c', classId: 2 })]);
    mine.dispose();
    // the pipeline does not own a runner it was given
    expect((await runner.run({ [runner.inputs[0].name]: tf.zeros([1, 224, 224, 3]) }))).toBeDefined();
    runner.dispose();
  });

  it('keeps the tensor count flat over 50 runs', async () => {
    const input = { data: new Uint8Array(160 * 120 * 4).fill(90), width: 160, height: 120, channels: 4 as const };
    await classifier.run(input);
    const after1 = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) await classifier.run(input);
    expect(tf.memory().numTensors).toBe(after1);
  });
});

describe('pipeline() factory', () => {
  it('rejects unknown tasks, unknown models and mismatched cards', async () => {
    // @ts-expect-error: not a task
    await expect(pipeline('image-to-dance')).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    // names an object inherits are no tasks either (they were a TypeError, or gave back the options)
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      // @ts-expect-error: not a task
      await expect(pipeline(name, { threshold: 1 }), name).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(`unknown task '${name}'`) });
    }
    // and inherited names are unknown models, named as such, in every task's own table of cards
    for (const task of ['face-landmarks', 'hand-landmarks', 'face-embedding', 'pose-estimation', 'object-detection'] as const) {
      for (const name of ['constructor', '__proto__']) {
        await expect(pipeline(task, { model: name }), `${task} ${name}`).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(`unknown model '${name}'; ${task} models: `) });
      }
    }
    // a model file's path is told what it needs (the message invited 'a model file'); a plain id is not called a path
    for (const path of ['./my-model.onnx', 'models/centernet.json', 'det.onnx']) {
      await expect(pipeline('object-detection', { model: path }), path).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringMatching(new RegExp(`or pass a ModelSpec \\(your model's card\\) or a model folder visionpipe saved — '${path.replace(/\./g, '\\.')}' looks like a path: a model file needs its ModelSpec card .*yoloModel\\(\\{ url \\}\\)`)) });
    }
    await expect(pipeline('object-detection', { model: 'yolov8n' })).rejects.toMatchObject({ message: expect.not.stringContaining('looks like a path') });
    // a card that runs only as a stage of a task (a detector, the iris model) is refused as its
    // model before anything loads, saying how it is chosen; the list names only the task's models
    for (const [task, id, use] of [
      ['hand-landmarks', 'handtrack', "detector: 'handtrack'"],
      ['hand-landmarks', 'handdetect', "detector: 'palm'"],
      ['face-landmarks', 'facemesh-detection-full', "detector: 'facemesh-detection-full'"],
      ['face-landmarks', 'iris', 'iris: true'],
    ] as const) {
      const refused = pipeline(task, { model: id });
      await expect(refused, id).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining(`model '${id}' runs as a stage of ${task}`) });
      await expect(refused, id).rejects.toMatchObject({ message: expect.stringContaining(use) });
    }
    await expect(pipeline('hand-landmarks', { model: 'nope' })).rejects.toMatchObject({ message: expect.stringMatching(/hand-landmarks models: handlandmark-full, handlandmark-lite, or pass/) });
    await expect(pipeline('object-detection', { model: 'yolo-v99' })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('centernet-coco') });
    await expect(pipeline('object-detection', { model: 'nsfw-mobilenet-v2' })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    const wrongSize: ModelSpec = { ...NSFW_MOBILENET_V2, input: { ...NSFW_MOBILENET_V2.input, width: 300, height: 300 } };
    await expect(pipeline('image-classification', { model: wrongSize })).rejects.toMatchObject({ code: 'INVALID_OPTION', message: expect.stringContaining('224×224') });
    await expect(pipeline('image-classification', { model: { ...NSFW_MOBILENET_V2, family: 'poetry' } })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('throws DISPOSED after dispose', async () => {
    const p = await pipeline('image-classification');
    p.dispose();
    p.dispose();
    await expect(p.run(facePhoto(1))).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
