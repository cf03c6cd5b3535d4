/**
 * `visionpipe segment --model card.json --out` with a multi-class card whose class 0 is a real
 * class (`road`, not `background`): the overlay tints what the printed shares count — every class
 * but one named `background` — with and without `--threshold`. Without it the overlay skipped
 * class 0 whatever its name while the table listed it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { constantOnnx } from '../helpers/constant-onnx';
import { cli } from '../helpers/cli-in-process';

const tmp = mkdtempSync(join(tmpdir(), 'visionpipe-segment-card-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const [W, H] = [16, 8];

/** A card + model: columns 0–7 road, 8–11 car, 12–15 sky (NCHW logits, softmax); `labels` as given. */
function writeModel(labels: string[]): string {
  const logits = new Float32Array(3 * H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) logits[(x < 8 ? 0 : x < 12 ? 1 : 2) * H * W + y * W + x] = 8;
  writeFileSync(join(tmp, 'three.onnx'), constantOnnx([{ name: 'logits', dims: [1, 3, H, W], values: logits }], [1, 3, H, W]));
  const card = join(tmp, `${labels[0]}.card.json`);
  writeFileSync(card, JSON.stringify({
    id: 'three-classes', task: 'image-segmentation', family: 'semantic', format: 'onnx', location: { url: 'three.onnx' },
    input: { width: W, height: H, fit: 'stretch', normalization: 'unit', layout: 'nchw' }, labels, segmentation: { activation: 'softmax' },
  }));
  return card;
}

/** Which columns of the written overlay differ from the grey photo. */
async function tintedColumns(path: string): Promise<boolean[]> {
  const { data } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return Array.from({ length: W }, (_, x) => [0, 1, 2].some((c) => Math.abs(data[(H / 2 * W + x) * 3 + c] - 128) > 10));
}

describe('segment with a card whose class 0 is a real class', () => {
  it('tints what the table counts, with and without --threshold (class 0 was left out of the plain overlay)', async () => {
    const photo = join(tmp, 'grey.png');
    await sharp({ create: { width: W, height: H, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(photo);
    for (const [labels, tinted] of [
      [['road', 'car', 'sky'], Array(W).fill(true)],
      [['background', 'car', 'sky'], Array.from({ length: W }, (_, x) => x >= 8)],
      // torchvision's VOC name for it: painted and listed as a class
      [['__background__', 'car', 'sky'], Array.from({ length: W }, (_, x) => x >= 8)],
    ] as const) {
      const card = writeModel([...labels]);
      for (const threshold of [[], ['--threshold', '0.5']]) {
        const out = join(tmp, `${labels[0].replace(/_/g, '')}-${threshold.length}`);
        const run = await cli('segment', photo, '--model', card, '--out', out, ...threshold);
        expect(run.code, run.err.join('\n')).toBe(0);
        expect(run.out.join('\n')).toContain(labels[0] === 'road' ? 'road 50.0%, car 25.0%, sky 25.0% of pixels' : 'car 25.0%, sky 25.0% of pixels');
        expect(await tintedColumns(join(out, 'grey.mask.png')), `${labels[0]} ${threshold.join(' ')}`).toEqual(tinted);
      }
    }
  });
});
