/**
 * torchvision Keypoint R-CNN reference for the pose format test, generated on first use by
 * scripts/export_torchvision_keypointrcnn.py (Debian's python3-torchvision, ~45 s, ~237 MB)
 * into the git-ignored `.cache/torchvision/keypointrcnn-<script hash>/`; never committed.
 */
import { readFileSync } from 'node:fs';
import { scriptOutputs } from '../helpers/python-cache';

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
  const { paths: files } = scriptOutputs({
    script: 'scripts/export_torchvision_keypointrcnn.py',
    cacheDir: 'torchvision',
    prefix: 'keypointrcnn',
    files: ['keypointrcnn.onnx', 'keypointrcnn-image.bin', 'keypointrcnn-expected.json'],
    requires: { imports: 'torch, torchvision', aptPackage: 'python3-torchvision' },
  });
  return {
    onnxPath: files[0],
    image: new Uint8Array(readFileSync(files[1])),
    expected: JSON.parse(readFileSync(files[2], 'utf8')) as KeypointRcnnExpected,
  };
}
