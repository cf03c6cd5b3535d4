/**
 * torchvision Keypoint R-CNN reference for the pose format test, generated on first use by
 * scripts/export_torchvision_keypointrcnn.py (Debian's python3-torchvision, ~45 s, ~237 MB)
 * into the git-ignored `.cache/torchvision/keypointrcnn-<script hash>/`; never committed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SCRIPT = 'scripts/export_torchvision_keypointrcnn.py';

/** What the script writes to `keypointrcnn-expected.json`: torchvision's eager outputs. */
export interface KeypointRcnnExpected {
  torchvision: string;
  imageSize: [number, number];
  boxes: number[][];
  labels: number[];
  scores: number[];
  keypoints: number[][];
  keypointsScores: number[][];
}

/** The exported model, its 640×480 RGB uint8 input image and torchvision's outputs on it. */
export interface KeypointRcnnReference {
  onnxPath: string;
  image: Uint8Array;
  expected: KeypointRcnnExpected;
}

/** Generates (once) and returns the reference; fails — never skips — without torchvision. */
export function keypointRcnnReference(): KeypointRcnnReference {
  const hash = createHash('sha256').update(readFileSync(join(ROOT, SCRIPT))).digest('hex').slice(0, 10);
  const folder = join(ROOT, '.cache', 'torchvision', `keypointrcnn-${hash}`);
  const files = ['keypointrcnn.onnx', 'keypointrcnn-image.bin', 'keypointrcnn-expected.json'].map((f) => join(folder, f));
  if (!files.every((f) => existsSync(f))) {
    const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      throw new Error(`${PYTHON} cannot import torchvision, which exports this test's Keypoint R-CNN. Install it with: apt-get install -y python3-torchvision\n${probe.stderr ?? ''}`);
    }
    const tmp = `${folder}.tmp-${process.pid}`;
    rmSync(folder, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const run = spawnSync(PYTHON, [join(ROOT, SCRIPT), tmp], { encoding: 'utf8', timeout: 300_000 });
    if (run.status !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`${SCRIPT} failed (exit ${run.status}):\n${run.stderr}\n${run.stdout}`);
    }
    try {
      renameSync(tmp, folder);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(folder)) throw error;
    }
  }
  return {
    onnxPath: files[0],
    image: new Uint8Array(readFileSync(files[1])),
    expected: JSON.parse(readFileSync(files[2], 'utf8')) as KeypointRcnnExpected,
  };
}
