/**
 * The face-landmarks peer's results (@vladmandic/human, Node wasm build, same model files) on
 * photos, computed once by scripts/human-face-peer.cjs in a child process (its own tfjs) and
 * kept in the git-ignored .cache/ under a hash of the script and the arguments.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = 'scripts/human-face-peer.cjs';

/** One face as human reports it: box [x, y, w, h], scores, and mesh points [x, y, z] (truncated to integers). */
export interface PeerFace {
  box: [number, number, number, number];
  score: number;
  boxScore: number;
  faceScore: number;
  mesh: [number, number, number][];
}

/** human's faces per photo path. */
export function humanFaces(detector: 'short' | 'full', iris: boolean, photos: readonly string[]): Record<string, PeerFace[]> {
  const args = [detector, iris ? '1' : '0', ...photos];
  const hash = createHash('sha256').update(readFileSync(join(ROOT, SCRIPT))).update(args.join('\n')).digest('hex').slice(0, 12);
  const folder = join(ROOT, '.cache', 'face-peer');
  const file = join(folder, `human-${hash}.json`);
  if (!existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    const run = spawnSync(process.execPath, [join(ROOT, SCRIPT), tmp, ...args], { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`${SCRIPT} failed (${run.status}): ${run.stderr}`);
    renameSync(tmp, file);
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { results: Record<string, PeerFace[]> }).results;
}
