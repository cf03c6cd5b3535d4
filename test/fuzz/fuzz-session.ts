// What every fuzz test file shares: the originals (made once per file in a temporary
// folder), the decoded photo, a tally of outcomes, per-case folders, and a detection model
// case (load a pipeline from a card, run the photo, dispose).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type ModelSpec, type RawImage, decodeImageFile, pipeline } from '../../src/node/index';
import { FuzzTally } from './fuzz-harness';
import { type FuzzOriginals, TFJS_FILES, blazefaceFrontCard, makeOriginals } from './fuzz-fixtures';

/** Detections reduced to what must match the reference exactly. */
export type PlainDetections = { label: string; box: number[]; score: number }[];

/** The state of one fuzz test file. */
export interface FuzzSession {
  readonly originals: FuzzOriginals;
  readonly photo: RawImage;
  readonly tally: FuzzTally;
  /** The BlazeFace front card loading the unmutated model files. */
  originalCard(): ModelSpec;
  /** A fresh folder for one case's files. */
  caseDir(target: string, seed: number): string;
}

/**
 * Reduces detections to labels, boxes and scores.
 *
 * @example
 * ```ts
 * expect(plainDetections(result.detections)).toEqual(reference);
 * ```
 */
export function plainDetections(detections: readonly { label: string; box: { x1: number; y1: number; x2: number; y2: number }; score: number }[]): PlainDetections {
  return detections.map((d) => ({ label: d.label, box: [d.box.x1, d.box.y1, d.box.x2, d.box.y2], score: d.score }));
}

/**
 * Loads a detection pipeline from a card, runs `photo`, disposes it: one model case.
 *
 * @example
 * ```ts
 * const faces = await loadAndDetect(card, photo);
 * ```
 */
export async function loadAndDetect(model: ModelSpec, photo: RawImage): Promise<PlainDetections> {
  const detector = await pipeline('object-detection', { model });
  try {
    return plainDetections((await detector.run(photo)).detections);
  } finally {
    detector.dispose();
  }
}

/**
 * Sets up a fuzz test file (beforeAll / afterAll hooks) and returns its session, usable once
 * the hooks ran.
 *
 * @example
 * ```ts
 * const session = useFuzzSession();
 * it('…', () => session.photo);
 * ```
 */
export function useFuzzSession(): FuzzSession {
  let originals: FuzzOriginals | undefined;
  let photo: RawImage | undefined;
  const tally = new FuzzTally();
  beforeAll(async () => {
    originals = await makeOriginals();
    photo = await decodeImageFile(originals.jpeg);
  });
  afterAll(() => {
    console.log(`[fuzz] outcomes: ${JSON.stringify(tally.counts)}`);
    originals?.remove();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the fuzz session is used before its beforeAll hook ran');
    return value;
  };
  return {
    get originals() {
      return ready(originals);
    },
    get photo() {
      return ready(photo);
    },
    tally,
    originalCard: () => blazefaceFrontCard(join(ready(originals).dir, 'original', TFJS_FILES.json)),
    caseDir(target, seed) {
      const dir = join(ready(originals).dir, `${target}-${seed}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}
