/**
 * `visionpipe hands` as a user runs it (the built bin): JSON, the hand table, and an annotated
 * PNG whose joints are drawn where the keypoints are (in the right hand's colour), with the
 * rest of the photo untouched; `--detector palm` on a turned photo (the palm detector's rotated
 * crop: the hand found upright in its crop, landmarks turned with the photo).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorFor, parseColor } from '../../src/render/colors';
import { facePhoto } from '../helpers/photos';
import { cropped } from '../pose/helpers';
import { parseCliArgs } from '../../src/node/cli/args';
import { handRows } from '../../src/node/cli/format';
import type { HandResult } from '../../src/pipelines/hands/hand-types';
import { turnPhoto } from '../hands/rotate-photo';
import { loadBuiltInGestures } from '../../src/training/gestures/builtin-gestures';
import type { Rgb } from './annotated-pixels';
import { cli, ensureCliBuilt } from './cli-runner';

async function rgbOf(path: string): Promise<Rgb> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-hands-cli-'));
beforeAll(() => ensureCliBuilt(), 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('visionpipe hands', () => {
  it('lists the hand, prints JSON and draws its joints where the keypoints are', async () => {
    // a woman holding a hand to her lip: part of face-api sample2, 640×480
    const photo = await cropped(facePhoto(2), 0, 250, 800, 600, 640, 480);
    const input = join(tmp, 'lip.png');
    await sharp(photo.data, { raw: { width: 640, height: 480, channels: 3 } }).png().toFile(input);
    const out = join(tmp, 'out');
    const run = await cli(['hands', input, '--json', '--out', out]);
    expect(run.code).toBe(0);
    const [entry] = JSON.parse(run.stdout) as { result: HandResult }[];
    expect(entry.result.hands).toHaveLength(1);
    const [hand] = entry.result.hands;
    expect(hand.keypoints).toHaveLength(21);
    expect(hand.handedness.label).toBe('right');
    // each hand comes with the built-in gesture classifier's answer on its keypoints
    const { gesture } = hand as typeof hand & { gesture: { label: string; score: number } };
    const builtIn = await loadBuiltInGestures();
    const expected = await builtIn.classify(hand);
    builtIn.dispose();
    expect(gesture.label).toBe(expected.label);
    expect(gesture.score).toBeCloseTo(expected.score, 5);
    // the table the CLI prints without --json
    const rows = handRows(hand, 0, gesture);
    expect(rows[0]).toMatch(new RegExp(`^ {2}hand 1 {2}right 0\\.\\d\\d {2}score [01]\\.\\d\\d {2}box \\[.*\\] {2}gesture ${gesture.label} [01]\\.\\d\\d {2}\\(detector box: \\w+\\)$`));
    expect(rows).toHaveLength(22);
    expect(rows[9]).toMatch(/^ {4}index_finger_tip +\d+ +\d+ +-?\d+$/);

    const drawn = await rgbOf(join(out, 'lip.hands.png'));
    const original = await rgbOf(input);
    const { r, g, b } = parseColor(colorFor(1)); // right hands
    const nearColour = (x: number, y: number): boolean => {
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const i = ((Math.round(y) + dy) * drawn.width + Math.round(x) + dx) * 3;
          if (Math.hypot(drawn.data[i] - r, drawn.data[i + 1] - g, drawn.data[i + 2] - b) < 40) return true;
        }
      }
      return false;
    };
    const joints = hand.keypoints.filter((k) => nearColour(k.x, k.y)).length;
    expect(joints).toBeGreaterThanOrEqual(20);
    // away from the hand (and its label above it) the photo is as it was
    const { x1, y1, x2, y2 } = hand.box;
    let changed = 0;
    for (let y = 0; y < drawn.height; y++) {
      for (let x = 0; x < drawn.width; x++) {
        if (x >= x1 - 12 && x <= Math.max(x2 + 12, x1 + 250) && y >= y1 - 60 && y <= y2 + 12) continue;
        const i = (y * drawn.width + x) * 3;
        if (drawn.data[i] !== original.data[i] || drawn.data[i + 1] !== original.data[i + 1] || drawn.data[i + 2] !== original.data[i + 2]) changed++;
      }
    }
    expect(changed).toBe(0);
  });

  it('--detector palm finds the hand at the lip, upright and turned 90°, with the landmarks turned alike; other names are usage errors', async () => {
    // face-api sample2's top-left 800 px (the hand at the lip, as in test/hands/palm-detector.test.ts), and turned a quarter clockwise
    const photo = await cropped(facePhoto(2), 0, 0, 800, 800);
    const turned = turnPhoto(photo, 90);
    const [upright, input] = [join(tmp, 'upright.png'), join(tmp, 'turned.png')];
    await sharp(photo.data, { raw: { width: 800, height: 800, channels: 3 } }).png().toFile(upright);
    await sharp(turned.image.data, { raw: { width: turned.image.width, height: turned.image.height, channels: 3 } }).png().toFile(input);
    const run = await cli(['hands', upright, input, '--detector', 'palm', '--json']);
    expect(run.code).toBe(0);
    const [first, second] = (JSON.parse(run.stdout) as { result: HandResult }[]).map((e) => e.result.hands);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(first[0].label).toBe('palm');
    // the palm's rotation crops the turned hand upright: its landmarks are the upright photo's turned (measured in test/hands: 1.5–4.9 px mean)
    const error = second[0].keypoints.reduce((sum, k, i) => {
      const [x, y] = turned.map(first[0].keypoints[i].x, first[0].keypoints[i].y);
      return sum + Math.hypot(k.x - x, k.y - y);
    }, 0) / 21;
    console.log(`--detector palm: turned 90° vs upright turned, ${error.toFixed(1)} px mean`);
    expect(error).toBeLessThan(7);
    expect(() => parseCliArgs(['hands', input, '--detector', 'boxes'])).toThrow("--detector must be one of handtrack, palm; got 'boxes'");
  });

  it('a model of another task is refused without a licence line first (rvm printed its GPL-3.0 notice, then the refusal)', async () => {
    const run = await cli(['hands', '--model', 'rvm']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("model 'rvm' is for video-matting, not hand-landmarks");
    expect(run.stderr).not.toContain('GPL-3.0');
    // where it fits, the notice is printed
    const matte = await cli(['matte', '--model', 'rvm', '--json']);
    expect(matte.code).toBe(0);
    expect(matte.stderr).toContain('visionpipe: rvm weights are GPL-3.0');
  }, 120_000);
});
