// Fuzz: seeded mutations (bit flips, truncations, random byte runs, inserted bytes, hostile
// JSON values) of a real photo (JPEG, PNG), a tfjs model (model.json + weight shard), an ONNX
// file and a model card, each pushed through the Node SDK as a user would (decode + detect;
// load + run). Every case must end in a result with finite numbers or a VisionError with a
// known code — never a raw error, a crash or a hang (per-case timeout). Afterwards the
// originals still give the reference result and no tensors are left behind. A failure names
// its seed; FUZZ_SEED=<n> replays seed n of every target, FUZZ_START=<n> shifts the seeds.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type RawImage, decodeImageFile, pipeline } from '../../src/node/index';
import { readModelCard } from '../../src/node/cli/model-arg';
import { FuzzTally, runCase, seeds } from './fuzz-harness';
import { type FuzzOriginals, TFJS_FILES, blazefaceFrontCard, makeOriginals, onnxCard } from './fuzz-fixtures';
import { type Mutation, mutateBytes, mutateJson } from './mutate';

/** Cases per target: image cases are cheap (decode + 128² inference); model cases load a model each. */
const COUNTS = { photo: 150, modelJson: 25, modelJsonValues: 35, shard: 30, onnx: 100, cardBytes: 30, cardValues: 50 } as const;
const IMAGE_TIMEOUT_MS = 10_000;
const MODEL_TIMEOUT_MS = 20_000;

let originals: FuzzOriginals;
let photo: RawImage;
const tally = new FuzzTally();

type Plain = { label: string; box: number[]; score: number }[];
const plain = (detections: { label: string; box: { x1: number; y1: number; x2: number; y2: number }; score: number }[]): Plain =>
  detections.map((d) => ({ label: d.label, box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2], score: d.score }));

/** A fresh folder for one case's files. */
function caseDir(target: string, seed: number): string {
  const dir = join(originals.dir, `${target}-${seed}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs `count` seeded cases of `target` and expects none to fail. */
async function fuzz(target: string, count: number, mutate: (seed: number) => Mutation, work: (mutation: Mutation, seed: number) => Promise<unknown>, timeoutMs: number): Promise<void> {
  const list = seeds(count);
  console.log(`[fuzz] ${target}: seeds ${list[0]}…${list[list.length - 1]}`);
  for (const seed of list) {
    const mutation = mutate(seed);
    const outcome = await runCase(target, seed, mutation.description, () => work(mutation, seed), timeoutMs);
    tally.record(target, seed, mutation.description, outcome);
    const broken = backendBroken();
    if (broken) {
      tally.record(target, seed, mutation.description, { kind: 'failure', reason: `this case broke the tfjs backend for everything after it (${tf.getBackend()}: ${broken}); cases after it were not run` });
      break;
    }
  }
  console.log(`[fuzz] ${target}: ${JSON.stringify(tally.counts[target])}`);
  expect(tally.report(target), `${target}: cases that ended in neither a result nor a VisionError`).toBe('');
}

/** Whether the tfjs backend still computes (a bad case must not corrupt it): the error, or null. */
function backendBroken(): string | null {
  try {
    const squares = tf.tidy(() => Array.from(tf.tensor1d([1, 2, 3]).square().dataSync()));
    const zeros = tf.tidy(() => tf.zeros([96, 96, 3]).sum().dataSync()[0]);
    return squares.join() === '1,4,9' && zeros === 0 ? null : `wrong answers: ${squares.join()} / ${zeros}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Loads a detection pipeline from a card, runs the photo, disposes: one model case. */
async function loadAndDetect(card: Parameters<typeof pipeline<'object-detection'>>[1]): Promise<Plain> {
  const detector = await pipeline('object-detection', card);
  try {
    return plain((await detector.run(photo)).detections);
  } finally {
    detector.dispose();
  }
}

beforeAll(async () => {
  originals = await makeOriginals();
  photo = await decodeImageFile(originals.jpeg);
});

afterAll(() => {
  console.log(`[fuzz] outcomes: ${JSON.stringify(tally.counts)}`);
  originals?.remove();
});

describe('fuzz: a mutated real photo through the Node decoder and a BlazeFace pipeline', () => {
  let detector: DetectionPipeline;
  let reference: Plain;
  let tensors: number;
  beforeAll(async () => {
    detector = await pipeline('object-detection', { model: blazefaceFrontCard(join(originals.dir, 'original', TFJS_FILES.json)) });
    reference = plain((await detector.run(originals.jpeg)).detections);
    tensors = tf.memory().numTensors;
  });
  afterAll(() => detector?.dispose());

  it.each(['jpeg', 'png'] as const)(`photo-%s: ${COUNTS.photo} mutations (as bytes, and as a file for odd seeds) end in a result or a VisionError`, async (format) => {
    expect(reference.map((d) => d.label)).toEqual(['face', 'face', 'face']);
    await fuzz(
      `photo-${format}`,
      COUNTS.photo,
      (seed) => mutateBytes(originals[format], seed),
      async ({ bytes }, seed) => {
        if (seed % 2 === 0) return detector.run(bytes);
        const file = join(caseDir(`photo-${format}`, seed), `photo.${format}`);
        writeFileSync(file, bytes);
        return detector.run(file);
      },
      IMAGE_TIMEOUT_MS,
    );
  });

  it('after the mutations: the same faces on the original photo, and no tensors left behind', async () => {
    expect(plain((await detector.run(originals.jpeg)).detections)).toEqual(reference);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('fuzz: a mutated tfjs model (model.json + weight shard) loaded from files by a pipeline', () => {
  let reference: Plain;
  let tensors: number;
  beforeAll(async () => {
    reference = await loadAndDetect({ model: blazefaceFrontCard(join(originals.dir, 'original', TFJS_FILES.json)) });
    tensors = tf.memory().numTensors;
  });

  /** Writes the model with one file replaced by the mutation, then loads and runs it. */
  const withMutated = (target: string, file: 'json' | 'shard') => async ({ bytes }: Mutation, seed: number) => {
    const dir = caseDir(target, seed);
    writeFileSync(join(dir, TFJS_FILES.json), file === 'json' ? bytes : originals.modelJson);
    writeFileSync(join(dir, TFJS_FILES.shard), file === 'shard' ? bytes : originals.shard);
    try {
      return await loadAndDetect({ model: blazefaceFrontCard(join(dir, TFJS_FILES.json)) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it(`tfjs-model-json: ${COUNTS.modelJson} byte mutations of model.json`, async () => {
    await fuzz('tfjs-model-json', COUNTS.modelJson, (seed) => mutateBytes(new TextEncoder().encode(originals.modelJson), seed), withMutated('tfjs-model-json', 'json'), MODEL_TIMEOUT_MS);
  });

  it(`tfjs-model-values: ${COUNTS.modelJsonValues} hostile values in model.json (shapes, dtypes, shard paths, nodes)`, async () => {
    await fuzz('tfjs-model-values', COUNTS.modelJsonValues, (seed) => mutateJson(originals.modelJson, seed), withMutated('tfjs-model-values', 'json'), MODEL_TIMEOUT_MS);
  });

  it(`tfjs-shard: ${COUNTS.shard} byte mutations of the weight shard`, async () => {
    await fuzz('tfjs-shard', COUNTS.shard, (seed) => mutateBytes(originals.shard, seed), withMutated('tfjs-shard', 'shard'), MODEL_TIMEOUT_MS);
  });

  it('after the mutations: the original model gives the same faces, and no tensors are left behind', async () => {
    expect(reference).toHaveLength(3);
    expect(await loadAndDetect({ model: blazefaceFrontCard(join(originals.dir, 'original', TFJS_FILES.json)) })).toEqual(reference);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});

describe('fuzz: a mutated ONNX file loaded from a file by a classification pipeline', () => {
  const classify = async (file: string) => {
    const classifier = await pipeline('image-classification', { model: onnxCard(file) });
    try {
      return (await classifier.run(photo)).classes;
    } finally {
      classifier.dispose();
    }
  };

  it(`onnx: ${COUNTS.onnx} byte mutations of a conv classifier`, async () => {
    const file = join(caseDir('onnx', 0), 'model.onnx');
    writeFileSync(file, originals.onnx);
    const reference = await classify(file);
    expect(reference.map((c) => c.label).sort()).toEqual(['a', 'b', 'c', 'd']);
    await fuzz(
      'onnx',
      COUNTS.onnx,
      (seed) => mutateBytes(originals.onnx, seed),
      async ({ bytes }, seed) => {
        const mutated = join(caseDir('onnx', seed), 'model.onnx');
        writeFileSync(mutated, bytes);
        return classify(mutated);
      },
      MODEL_TIMEOUT_MS,
    );
    expect(await classify(file)).toEqual(reference);
  });
});

describe('fuzz: a mutated model card read as the CLI reads `--model card.json`, then loaded and run', () => {
  /** The card file next to a copy of the model it names (relative `location.url`). */
  const withCard = (target: string) => async ({ bytes }: Mutation, seed: number) => {
    const dir = caseDir(target, seed);
    writeFileSync(join(dir, TFJS_FILES.json), originals.modelJson);
    writeFileSync(join(dir, TFJS_FILES.shard), originals.shard);
    writeFileSync(join(dir, 'card.json'), bytes);
    try {
      return await loadAndDetect({ model: await readModelCard(join(dir, 'card.json')) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it(`card-bytes: ${COUNTS.cardBytes} byte mutations of the card`, async () => {
    await fuzz('card-bytes', COUNTS.cardBytes, (seed) => mutateBytes(new TextEncoder().encode(originals.cardJson), seed), withCard('card-bytes'), MODEL_TIMEOUT_MS);
  });

  it(`card-values: ${COUNTS.cardValues} hostile values in the card (sizes, anchors, thresholds, labels, location)`, async () => {
    await fuzz('card-values', COUNTS.cardValues, (seed) => mutateJson(originals.cardJson, seed), withCard('card-values'), MODEL_TIMEOUT_MS);
  });

  it('after the mutations: the original card gives the same faces as the in-code card', async () => {
    const dir = caseDir('card-original', 0);
    writeFileSync(join(dir, TFJS_FILES.json), originals.modelJson);
    writeFileSync(join(dir, TFJS_FILES.shard), originals.shard);
    writeFileSync(join(dir, 'card.json'), originals.cardJson);
    const viaCard = await loadAndDetect({ model: await readModelCard(join(dir, 'card.json')) });
    expect(viaCard).toEqual(await loadAndDetect({ model: blazefaceFrontCard(join(originals.dir, 'original', TFJS_FILES.json)) }));
    expect(viaCard).toHaveLength(3);
  });
});
