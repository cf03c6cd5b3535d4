// Fuzz (1/4): seeded mutations of a real group photo (face-api sample 1, 192 px), as JPEG and
// PNG bytes or files, decoded by the Node path and run through a BlazeFace pipeline. After
// them, the same pipeline gives the same faces on the original and holds no extra tensors.
// Seeds: FUZZ_SEED=<n> replays seed n of every target, FUZZ_START=<n> shifts the seeds; the
// case in progress is also written to .cache/fuzz/<target>.current-case.txt (for a case that kills
// the process). Every case must end in a result with finite numbers or a VisionError with a
// known code — never a raw error, a crash or a hang (per-case timeout); see fuzz-harness.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, pipeline } from '../../src/node/index';
import { fuzzTarget } from './fuzz-harness';
import { type PlainDetections, plainDetections, useFuzzSession } from './fuzz-session';
import { mutateBytes, withPngCrcs } from './mutate';

const CASES = 150;
const TIMEOUT_MS = 10_000;
const session = useFuzzSession();

describe('fuzz: a mutated real photo through the Node decoder and a BlazeFace pipeline', () => {
  let detector: DetectionPipeline;
  let reference: PlainDetections;
  let tensors: number;
  beforeAll(async () => {
    detector = await pipeline('object-detection', { model: session.originalCard() });
    reference = plainDetections((await detector.run(session.originals.jpeg)).detections);
    tensors = tf.memory().numTensors;
  });
  afterAll(() => detector?.dispose());

  it.each(['jpeg', 'png'] as const)(`photo-%s: ${CASES} mutations (as bytes; as a file for odd seeds)`, async (format) => {
    expect(reference.map((d) => d.label)).toEqual(['face', 'face', 'face']);
    await fuzzTarget(
      session.tally,
      `photo-${format}`,
      CASES,
      (seed) => mutateBytes(session.originals[format], seed),
      async ({ bytes }, seed) => {
        if (seed % 2 === 0) return detector.run(bytes);
        const file = join(session.caseDir(`photo-${format}`, seed), `photo.${format}`);
        writeFileSync(file, bytes);
        return detector.run(file);
      },
      TIMEOUT_MS,
    );
  });

  it(`photo-png-crc: ${CASES} mutations of the PNG with its chunk CRCs repaired (mutated sizes and data reach the decoder)`, async () => {
    await fuzzTarget(
      session.tally,
      'photo-png-crc',
      CASES,
      (seed) => {
        const { bytes, description } = mutateBytes(session.originals.png, seed);
        return { bytes: withPngCrcs(bytes), description: `${description}, CRCs repaired` };
      },
      ({ bytes }) => detector.run(bytes),
      TIMEOUT_MS,
    );
  });

  it('after the mutations: the same faces on the original photo, and no tensors left behind', async () => {
    expect(plainDetections((await detector.run(session.originals.jpeg)).detections)).toEqual(reference);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
