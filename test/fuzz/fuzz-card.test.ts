// Fuzz (4/4): seeded mutations of a model card (BlazeFace front as a ModelSpec JSON file next
// to its model, with a relative location.url): bytes, and hostile values anywhere in it
// (sizes, anchors, decode settings, thresholds, labels, location). Each card is read as the
// CLI reads `--model card.json` (readModelCard), then loaded by a pipeline and run on the
// photo. Afterwards the original card gives the faces of the in-code card.
// Seeds: FUZZ_SEED=<n> replays seed n of every target, FUZZ_START=<n> shifts the seeds; the
// case in progress is also written to .cache/fuzz/<target>.current-case.txt (for a case that kills
// the process). Every case must end in a result with finite numbers or a VisionError with a
// known code — never a raw error, a crash or a hang (per-case timeout); see fuzz-harness.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelCard } from '../../src/node/cli/model-arg';
import { fuzzTarget } from './fuzz-harness';
import { TFJS_FILES } from './fuzz-fixtures';
import { loadAndDetect, useFuzzSession } from './fuzz-session';
import { type Mutation, mutateBytes, mutateJson } from './mutate';

const CASES = { bytes: 50, values: 150 } as const;
const TIMEOUT_MS = 20_000;
const session = useFuzzSession();

/** Writes the card file next to a copy of the model it names, reads it as the CLI does, runs it. */
const withCard = (target: string) => async ({ bytes }: Mutation, seed: number) => {
  const dir = session.caseDir(target, seed);
  writeFileSync(join(dir, TFJS_FILES.json), session.originals.modelJson);
  writeFileSync(join(dir, TFJS_FILES.shard), session.originals.shard);
  writeFileSync(join(dir, 'card.json'), bytes);
  try {
    return await loadAndDetect(await readModelCard(join(dir, 'card.json')), session.photo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('fuzz: a mutated model card read as the CLI reads `--model card.json`, then loaded and run', () => {
  it(`card-bytes: ${CASES.bytes} byte mutations of the card`, async () => {
    const text = new TextEncoder().encode(session.originals.cardJson);
    await fuzzTarget(session.tally, 'card-bytes', CASES.bytes, (seed) => mutateBytes(text, seed), withCard('card-bytes'), TIMEOUT_MS);
  });

  it(`card-values: ${CASES.values} hostile values in the card (sizes, anchors, thresholds, labels, location)`, async () => {
    await fuzzTarget(session.tally, 'card-values', CASES.values, (seed) => mutateJson(session.originals.cardJson, seed), withCard('card-values'), TIMEOUT_MS);
  });

  it('after the mutations: the original card file gives the same faces as the in-code card', async () => {
    const dir = session.caseDir('card-original', 0);
    writeFileSync(join(dir, TFJS_FILES.json), session.originals.modelJson);
    writeFileSync(join(dir, TFJS_FILES.shard), session.originals.shard);
    writeFileSync(join(dir, 'card.json'), session.originals.cardJson);
    const viaCard = await loadAndDetect(await readModelCard(join(dir, 'card.json')), session.photo);
    expect(viaCard).toHaveLength(3);
    expect(viaCard).toEqual(await loadAndDetect(session.originalCard(), session.photo));
  });
});
