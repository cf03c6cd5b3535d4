// Fixtures of the worker recovery and worker option tests: the soak's tiny cell detector
// written to a folder of its own under a label of its own (so a result tells which model made
// it), a frame it finds cells in, and worker scripts for failures a real model cannot stage on
// cue (bundled with esbuild when src/ or the fixture is newer than the output).
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { RawImage } from '../../src/core/image-input';
import type { ModelSpec } from '../../src/models/model-spec';
import { REPO_ROOT } from '../browser/server';
import { newestMtime } from '../helpers/build-dist';
import { CELL_GRID, cellDetectorCard, cellDetectorFiles } from '../soak/cell-detector';

/** Where the fixtures write their files. */
export const FIXTURE_DIR = join(REPO_ROOT, '.cache/worker-fixtures');

/**
 * The cell detector in `.cache/worker-fixtures/<name>/`, its one label `name`: pipelines built
 * from different folders answer with different labels.
 */
export function cellModel(name: string): { card: ModelSpec; dir: string } {
  const dir = join(FIXTURE_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = cellDetectorFiles();
  writeFileSync(join(dir, 'model.json'), JSON.stringify(files.json));
  writeFileSync(join(dir, 'group1-shard1of1.bin'), Buffer.concat((files.weights as Uint8Array[]).map((w) => Buffer.from(w))));
  return { card: { ...cellDetectorCard(join(dir, 'model.json')), id: `cell-${name}`, labels: [name] }, dir };
}

/** A black 64×64 RGB frame with one white cell: every cell model finds exactly one detection. */
export function cellFrame(): RawImage {
  const side = 64;
  const cell = side / CELL_GRID;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < cell; y++) data.fill(255, y * side * 3, (y * side + cell) * 3);
  return { data, width: side, height: side, channels: 3 };
}

/** The labels of a detection result. */
export function labelsOf(result: { detections: readonly { label: string }[] }): string[] {
  return result.detections.map((d) => d.label);
}

/**
 * A fixture worker script from `test/realtime/fixtures/<name>.ts`, bundled for worker_threads
 * into `.cache/worker-fixtures/<name>.mjs` (packages stay external).
 */
export async function fixtureWorker(name: string): Promise<string> {
  const entry = join(REPO_ROOT, `test/realtime/fixtures/${name}.ts`);
  const out = join(FIXTURE_DIR, `${name}.mjs`);
  const inputs = Math.max(newestMtime(join(REPO_ROOT, 'src')), statSync(entry).mtimeMs, statSync(join(REPO_ROOT, 'test/realtime/worker-fixtures.ts')).mtimeMs);
  if (!existsSync(out) || statSync(out).mtimeMs < inputs) {
    await build({ absWorkingDir: REPO_ROOT, entryPoints: [entry], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
  }
  return out;
}
