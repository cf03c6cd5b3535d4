// Fuzz (2/4): seeded mutations of a real tfjs graph model (BlazeFace front: model.json and
// its weight shard, copied to a temporary folder): bytes of model.json, hostile values in it
// (shapes, dtypes, shard paths, nodes), bytes of the shard. Each case loads a detection
// pipeline from the files and runs the photo. Afterwards the original files give the
// reference faces and no tensors are left behind.
// Seeds: FUZZ_SEED=<n> replays seed n of every target, FUZZ_START=<n> shifts the seeds; the
// case in progress is also written to .cache/fuzz/<target>.current-case.txt (for a case that kills
// the process). Every case must end in a result with finite numbers or a VisionError with a
// known code — never a raw error, a crash or a hang (per-case timeout); see fuzz-harness.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzzTarget } from './fuzz-harness';
import { TFJS_FILES, blazefaceFrontCard } from './fuzz-fixtures';
import { type PlainDetections, loadAndDetect, useFuzzSession } from './fuzz-session';
import { type Mutation, mutateBytes, mutateJson } from './mutate';

const CASES = { json: 40, values: 80, shard: 60 } as const;
const TIMEOUT_MS = 20_000;
const session = useFuzzSession();

/** Writes the model with one file replaced by the mutation, then loads and runs it. */
const withMutated = (target: string, file: 'json' | 'shard') => async ({ bytes }: Mutation, seed: number) => {
  const dir = session.caseDir(target, seed);
  writeFileSync(join(dir, TFJS_FILES.json), file === 'json' ? bytes : session.originals.modelJson);
  writeFileSync(join(dir, TFJS_FILES.shard), file === 'shard' ? bytes : session.originals.shard);
  try {
    return await loadAndDetect(blazefaceFrontCard(join(dir, TFJS_FILES.json)), session.photo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('fuzz: a mutated tfjs model (model.json + weight shard) loaded from files by a pipeline', () => {
  let reference: PlainDetections;
  let tensors: number;
  beforeAll(async () => {
    reference = await loadAndDetect(session.originalCard(), session.photo);
    tensors = tf.memory().numTensors;
  });

  it(`tfjs-model-json: ${CASES.json} byte mutations of model.json`, async () => {
    const text = new TextEncoder().encode(session.originals.modelJson);
    await fuzzTarget(session.tally, 'tfjs-model-json', CASES.json, (seed) => mutateBytes(text, seed), withMutated('tfjs-model-json', 'json'), TIMEOUT_MS);
  });

  it(`tfjs-model-values: ${CASES.values} hostile values in model.json (shapes, dtypes, shard paths, nodes)`, async () => {
    await fuzzTarget(session.tally, 'tfjs-model-values', CASES.values, (seed) => mutateJson(session.originals.modelJson, seed), withMutated('tfjs-model-values', 'json'), TIMEOUT_MS);
  });

  it(`tfjs-shard: ${CASES.shard} byte mutations of the weight shard`, async () => {
    await fuzzTarget(session.tally, 'tfjs-shard', CASES.shard, (seed) => mutateBytes(session.originals.shard, seed), withMutated('tfjs-shard', 'shard'), TIMEOUT_MS);
  });

  it('after the mutations: the original model gives the same faces, and no tensors are left behind', async () => {
    expect(reference).toHaveLength(3);
    expect(await loadAndDetect(session.originalCard(), session.photo)).toEqual(reference);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
