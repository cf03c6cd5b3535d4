/**
 * `visionpipe matte` as a user runs it (the built bin): the astronaut composited over a green
 * screen, a blur and a picture — pixels checked against the photo — and bad `--background`
 * values refused as usage errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/index';
import { fixturePhoto } from '../helpers/photos';
import { cli, ensureCliBuilt } from './cli-runner';
import { matteBackground } from '../../src/node/cli/matte-task';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-matte-'));
beforeAll(() => ensureCliBuilt(), 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function rgb(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** Mean RGB of a box of a 512-wide picture. */
function meanRgb(p: { data: ArrayLike<number> }, [x1, y1, x2, y2]: readonly number[]): number[] {
  const sum = [0, 0, 0];
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) for (let c = 0; c < 3; c++) sum[c] += p.data[(y * 512 + x) * 3 + c];
  return sum.map((s) => s / ((x2 - x1) * (y2 - y1)));
}

const FACE = [190, 90, 260, 160] as const;
const WALL = [440, 0, 512, 70] as const; // top right: background

describe('visionpipe matte', () => {
  it('green screen, blur and picture backgrounds: the person kept, the background replaced', async () => {
    const photo = await decodeImageFile(fixturePhoto('astronaut'));
    const green = await cli(['matte', fixturePhoto('astronaut'), '--out', join(tmp, 'green'), '--background', '#00b140', '--json']);
    expect(green.code).toBe(0);
    const [entry] = JSON.parse(green.stdout) as { result: { personShare: number; imageSize: { width: number } } }[];
    expect(entry.result.imageSize.width).toBe(512);
    expect(entry.result.personShare).toBeGreaterThan(0.2);
    expect(entry.result.personShare).toBeLessThan(0.9);
    const screen = await rgb(join(tmp, 'green', 'astronaut.matte.png'));
    expect([screen.width, screen.height]).toEqual([512, 512]);
    meanRgb(screen, WALL).forEach((v, c) => expect(Math.abs(v - [0, 177, 64][c])).toBeLessThan(4));
    meanRgb(screen, FACE).forEach((v, c) => expect(Math.abs(v - meanRgb(photo, FACE)[c])).toBeLessThan(4));

    const blurred = await cli(['matte', fixturePhoto('astronaut'), '--out', join(tmp, 'blur')]);
    expect(blurred.code).toBe(0);
    expect(blurred.stdout).toMatch(/astronaut\.jpg: person \d+\.\d% of the frame \(512×512/);
    const soft = await rgb(join(tmp, 'blur', 'astronaut.matte.png'));
    // the background loses its detail (pixel-to-pixel differences shrink), the face keeps it
    const roughness = (p: { data: ArrayLike<number> }, [x1, y1, x2, y2]: readonly number[]): number => {
      let sum = 0;
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2 - 1; x++) sum += Math.abs(p.data[(y * 512 + x) * 3] - p.data[(y * 512 + x + 1) * 3]);
      return sum / ((x2 - x1 - 1) * (y2 - y1));
    };
    const LEFT_FLAG = [0, 0, 60, 200] as const;
    expect(roughness(soft, LEFT_FLAG)).toBeLessThan(0.5 * roughness(photo, LEFT_FLAG));
    expect(Math.abs(roughness(soft, FACE) - roughness(photo, FACE))).toBeLessThan(0.1 * roughness(photo, FACE) + 0.5);

    const pictured = await cli(['matte', fixturePhoto('astronaut'), '--out', join(tmp, 'picture'), '--background', fixturePhoto('coffee')]);
    expect(pictured.code).toBe(0);
    const swapped = await rgb(join(tmp, 'picture', 'astronaut.matte.png'));
    expect(meanRgb(swapped, WALL).some((v, c) => Math.abs(v - meanRgb(photo, WALL)[c]) > 20)).toBe(true);
    meanRgb(swapped, FACE).forEach((v, c) => expect(Math.abs(v - meanRgb(photo, FACE)[c])).toBeLessThan(4));
  });

  it('--background transparent cuts the person out: a PNG whose alpha is the matte, the person\'s colours as in the photo', async () => {
    const photo = await decodeImageFile(fixturePhoto('astronaut'));
    const cut = await cli(['matte', fixturePhoto('astronaut'), '--out', join(tmp, 'cut'), '--background', 'transparent']);
    expect(cut.code).toBe(0);
    const { data, info } = await sharp(join(tmp, 'cut', 'astronaut.matte.png')).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const alphaMean = ([x1, y1, x2, y2]: readonly number[]): number => {
      let sum = 0;
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) sum += data[(y * 512 + x) * 4 + 3];
      return sum / ((x2 - x1) * (y2 - y1));
    };
    expect(alphaMean(FACE)).toBeGreaterThan(250);
    expect(alphaMean(WALL)).toBeLessThan(5);
    const faceRgb = { data: Uint8Array.from({ length: 512 * 512 * 3 }, (_, i) => data[Math.floor(i / 3) * 4 + (i % 3)]) };
    meanRgb(faceRgb, FACE).forEach((v, c) => expect(Math.abs(v - meanRgb(photo, FACE)[c])).toBeLessThan(4));
  });

  it('a --background that is no colour or file is a usage error', async () => {
    const bad = await cli(['matte', fixturePhoto('astronaut'), '--background', 'no-such-thing']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--background must be blur, a CSS colour \(#rgb\[a\], #rrggbb\[aa\], a name such as green, rgb\(…\), hsl\(…\), oklch\(…\) …\) or an image file/);
    const wrong = await cli(['detect', fixturePhoto('astronaut'), '--background', 'blur']);
    expect(wrong.code).toBe(2);
    // a value that names a file or folder says what is wrong with it
    await expect(matteBackground('photos/missing.jpg')).rejects.toThrow("--background 'photos/missing.jpg': no such file; it must be blur");
    await expect(matteBackground(tmp)).rejects.toThrow(`--background '${tmp}': is a directory`);
    await expect(matteBackground('/dev/zero')).rejects.toThrow("--background '/dev/zero': is not a regular file (a device or pipe); it must be blur");
    // the keyword in any case, as colour names are (BLUR was "--background must be blur, …; got 'BLUR'")
    expect(await matteBackground('BLUR')).toEqual({ blur: 12 });
    expect(await matteBackground('Green')).toEqual({ color: 'Green' });
  });

  it('--background without --out warns that it changes nothing (it was dropped without a word)', async () => {
    const run = await cli(['matte', fixturePhoto('astronaut'), '--background', 'green']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('--background sets what the matte is drawn over in the --out pictures and videos; without --out it changes nothing');
  });
});
