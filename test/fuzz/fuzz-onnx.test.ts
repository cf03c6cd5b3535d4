// Fuzz (3/4): seeded byte mutations of an ONNX file (a small conv classifier built here,
// written to a temporary folder), each loaded by an image-classification pipeline from its
// path (onnxruntime-node) and run on the photo. Afterwards the original file gives the
// reference classes.
// Seeds: FUZZ_SEED=<n> replays seed n of every target, FUZZ_START=<n> shifts the seeds; the
// case in progress is also written to .cache/fuzz/<target>.current-case.txt (for a case that kills
// the process). Every case must end in a result with finite numbers or a VisionError with a
// known code — never a raw error, a crash or a hang (per-case timeout); see fuzz-harness.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeline } from '../../src/node/index';
import { fuzzTarget } from './fuzz-harness';
import { onnxCard } from './fuzz-fixtures';
import { useFuzzSession } from './fuzz-session';
import { mutateBytes } from './mutate';

const CASES = 250;
const TIMEOUT_MS = 20_000;
const session = useFuzzSession();

async function classify(file: string) {
  const classifier = await pipeline('image-classification', { model: onnxCard(file) });
  try {
    return (await classifier.run(session.photo)).classes;
  } finally {
    classifier.dispose();
  }
}

describe('fuzz: a mutated ONNX file loaded from a file by a classification pipeline', () => {
  it(`onnx: ${CASES} byte mutations of a conv classifier; the original gives the same classes afterwards`, async () => {
    const file = join(session.caseDir('onnx', 0), 'model.onnx');
    writeFileSync(file, session.originals.onnx);
    const reference = await classify(file);
    expect(reference.map((c) => c.label).sort()).toEqual(['a', 'b', 'c', 'd']);
    await fuzzTarget(
      session.tally,
      'onnx',
      CASES,
      (seed) => mutateBytes(session.originals.onnx, seed),
      async ({ bytes }, seed) => {
        const mutated = join(session.caseDir('onnx', seed), 'model.onnx');
        writeFileSync(mutated, bytes);
        return classify(mutated);
      },
      TIMEOUT_MS,
    );
    expect(await classify(file)).toEqual(reference);
  });
});
