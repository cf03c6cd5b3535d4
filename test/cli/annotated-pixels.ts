// Pixel checks of the CLI's `--out` pictures: boxes drawn where the detections are, the rest of
// the picture untouched, a mask tint where the mask is. Pictures are RGB, 3 bytes a pixel.
import { execFileSync } from 'node:child_process';
import { parseColor } from '../../src/render/colors';

/** An RGB picture (3 bytes a pixel). */
export interface Rgb {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/** A detection box in picture pixels. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

function at(p: Rgb, x: number, y: number): [number, number, number] {
  const i = (y * p.width + x) * 3;
  return [p.data[i], p.data[i + 1], p.data[i + 2]];
}

const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/**
 * The share of the points along the middle half of a box's four edges where a pixel within
 * ±`reach` px of the edge has the colour `color` (within `tolerance`, Euclidean RGB) — or, when
 * the `input` picture is given (lossy video), is at least `tolerance` nearer to `color` than
 * the input pixel was.
 */
export function edgeColourShare(drawn: Rgb, box: Box, color: string, reach = 1, tolerance = 60, input?: Rgb): number {
  const { r, g, b } = parseColor(color);
  const want = [r, g, b];
  const points: [number, number, 'v' | 'h'][] = [];
  const [w, h] = [box.x2 - box.x1, box.y2 - box.y1];
  for (let t = 0.25; t <= 0.75; t += 0.5 / 20) {
    const y = Math.round(box.y1 + t * h);
    const x = Math.round(box.x1 + t * w);
    points.push([box.x1, y, 'v'], [box.x2, y, 'v'], [x, box.y1, 'h'], [x, box.y2, 'h']);
  }
  let hits = 0;
  let counted = 0;
  for (const [px, py, dir] of points) {
    const candidates: [number, number][] = [];
    for (let d = -reach - 1; d <= reach; d++) {
      const [x, y] = dir === 'v' ? [Math.floor(px) + d, py] : [px, Math.floor(py) + d];
      if (x >= 0 && y >= 0 && x < drawn.width && y < drawn.height) candidates.push([x, y]);
    }
    if (candidates.length === 0) continue;
    counted++;
    const hit = ([x, y]: [number, number]): boolean =>
      input ? distance(at(input, x, y), want) - distance(at(drawn, x, y), want) >= tolerance : distance(at(drawn, x, y), want) <= tolerance;
    if (candidates.some(hit)) hits++;
  }
  return counted === 0 ? 0 : hits / counted;
}

/**
 * Mean and maximum absolute channel difference between the drawn picture and its input over
 * the pixels away from every box (`margin` px around each edge) and its label (a band of
 * `labelHeight` px above and below the top edge, `labelWidth` px wide).
 */
export function farDifference(drawn: Rgb, input: Rgb, boxes: readonly Box[], margin: number, labelHeight: number, labelWidth: number): { mean: number; max: number; pixels: number } {
  const near = new Uint8Array(drawn.width * drawn.height);
  const mark = (x0: number, y0: number, x1: number, y1: number): void => {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(drawn.height, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(drawn.width, Math.ceil(x1)); x++) near[y * drawn.width + x] = 1;
    }
  };
  for (const b of boxes) {
    mark(b.x1 - margin, b.y1 - margin, b.x2 + margin, b.y1 + margin);
    mark(b.x1 - margin, b.y2 - margin, b.x2 + margin, b.y2 + margin);
    mark(b.x1 - margin, b.y1 - margin, b.x1 + margin, b.y2 + margin);
    mark(b.x2 - margin, b.y1 - margin, b.x2 + margin, b.y2 + margin);
    mark(b.x1 - margin, b.y1 - labelHeight, b.x1 + labelWidth, b.y1 + labelHeight);
  }
  let sum = 0;
  let max = 0;
  let pixels = 0;
  for (let i = 0; i < near.length; i++) {
    if (near[i]) continue;
    pixels++;
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(drawn.data[i * 3 + c] - input.data[i * 3 + c]);
      sum += d;
      max = Math.max(max, d);
    }
  }
  return { mean: sum / (pixels * 3), max, pixels };
}

/**
 * Where a mask overlay changed the picture: the share of pixels changed by more than
 * `threshold` (summed over channels), and the median overlay colour those changes imply for
 * an overlay of opacity `opacity` (drawn = (1 − opacity)·input + opacity·colour).
 */
export function tint(drawn: Rgb, input: Rgb, opacity: number, threshold: number): { share: number; colour: [number, number, number]; changed: Uint8Array } {
  const changed = new Uint8Array(drawn.width * drawn.height);
  const implied: number[][] = [[], [], []];
  for (let i = 0; i < changed.length; i++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d += Math.abs(drawn.data[i * 3 + c] - input.data[i * 3 + c]);
    if (d <= threshold) continue;
    changed[i] = 1;
    for (let c = 0; c < 3; c++) implied[c].push((drawn.data[i * 3 + c] - (1 - opacity) * input.data[i * 3 + c]) / opacity);
  }
  const median = (v: number[]): number => (v.length === 0 ? Number.NaN : v.sort((a, b) => a - b)[v.length >> 1]);
  const count = implied[0].length;
  return { share: count / changed.length, colour: [median(implied[0]), median(implied[1]), median(implied[2])], changed };
}

/** The frames of a video as RGB pictures (ffmpeg decode), optionally only the frames numbered in `select`. */
export function videoFrames(path: string, width: number, height: number, select?: readonly number[]): Rgb[] {
  const filter = select ? ['-vf', `select='${select.map((n) => `eq(n\\,${n})`).join('+')}'`, '-vsync', '0'] : [];
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', path, ...filter, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  const frames: Rgb[] = [];
  for (let o = 0; o + size <= raw.length; o += size) frames.push({ data: new Uint8Array(raw.subarray(o, o + size)), width, height });
  return frames;
}
