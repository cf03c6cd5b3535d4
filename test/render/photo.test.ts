// Real photo, real model: CenterNet detections on coffee.jpg drawn onto the photo with
// @napi-rs/canvas and written as PNG to .cache/render/ (git-ignored) — the path the CLI's
// annotated images take.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DetectionPipeline, type DetectionResult, pipeline } from '../../src/node/index';
import { detectionColor, drawDetections, resolveStyle } from '../../src/render/index';
import { REPO_ROOT } from '../browser/server';
import { fixturePhoto } from '../helpers/photos';
import { rgba } from './helpers';

const OUT = join(REPO_ROOT, '.cache', 'render');

describe('drawing CenterNet detections on a real photo (coffee.jpg) with @napi-rs/canvas', () => {
  let detector: DetectionPipeline;
  let result: DetectionResult;
  beforeAll(async () => {
    detector = await pipeline('object-detection');
    result = await detector.run(fixturePhoto('coffee'));
    mkdirSync(OUT, { recursive: true });
  });
  afterAll(() => detector?.dispose());

  it.each([
    ['full size', 1],
    ['half size', 0.5],
  ] as const)('outlines the cup in its class colour (%s) and writes a PNG', async (name, factor) => {
    const photo = await loadImage(fixturePhoto('coffee'));
    const { width, height } = result.imageSize;
    expect([photo.width, photo.height]).toEqual([width, height]);
    const canvas = createCanvas(Math.round(width * factor), Math.round(height * factor));
    const ctx = canvas.getContext('2d');
    ctx.drawImage(photo, 0, 0, canvas.width, canvas.height);
    const drawn = drawDetections(ctx, result.detections, { imageSize: result.imageSize });
    expect(drawn).toBe(result.detections.length);

    const png = await canvas.encode('png');
    const file = join(OUT, `coffee-detections-${factor === 1 ? 'full' : 'half'}.png`);
    writeFileSync(file, png);
    // read the written PNG back and check the box edges in it
    const decoded = await loadImage(png);
    const check = createCanvas(decoded.width, decoded.height).getContext('2d');
    check.drawImage(decoded, 0, 0);

    const index = result.detections.findIndex((d) => d.label === 'cup');
    expect(index, `${name}: a cup among ${result.detections.map((d) => d.label).join(', ')}`).toBeGreaterThanOrEqual(0);
    const cup = result.detections[index];
    const color = rgba(detectionColor(cup, index));
    const sx = canvas.width / width;
    const sy = canvas.height / height;
    const x1 = cup.box.x1 * sx;
    const x2 = cup.box.x2 * sx;
    const y1 = cup.box.y1 * sy;
    const y2 = cup.box.y2 * sy;
    const { fontSize } = resolveStyle({}, { width: canvas.width, height: canvas.height });
    // sample the left and right edges below the label, and the bottom edge
    const samples: [number, number][] = [];
    for (let i = 1; i < 20; i++) {
      const y = y1 + 2 * fontSize + ((y2 - y1 - 2 * fontSize) * i) / 20;
      samples.push([Math.min(canvas.width - 1, Math.floor(x1)), y], [Math.min(canvas.width - 1, Math.floor(x2)), y]);
      samples.push([x1 + ((x2 - x1) * i) / 20, Math.min(canvas.height - 1, Math.floor(y2))]);
    }
    const hits = samples.filter(([x, y]) => {
      const d = check.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
      return [0, 1, 2].every((c) => Math.abs(d[c] - color[c]) <= 2);
    });
    // other boxes may cross the cup's edges; nearly all samples must be the cup's colour
    expect(hits.length / samples.length, `${name}: ${hits.length}/${samples.length} edge pixels in ${color}`).toBeGreaterThan(0.8);
    // and the photo itself is not that colour there: a pixel 6 px inside the left edge differs
    const inside = check.getImageData(Math.floor(x1) + 6, Math.floor((y1 + y2) / 2), 1, 1).data;
    expect([0, 1, 2].some((c) => Math.abs(inside[c] - color[c]) > 10)).toBe(true);
  });
});
