/**
 * Generated detection scenes: coloured shapes pasted on crops of real photos, with exact
 * ground-truth boxes and (visible-part) masks. Seeded, so a split is reproducible.
 */
import { VisionError } from '../../core/errors';
import type { RawImage } from '../../core/image-input';
import type { Box } from '../../core/types';
import { seededRandom } from '../random';

/** Shapes the scene generator can draw. @example `const kinds: ShapeKind[] = ['circle', 'square'];` */
export type ShapeKind = 'circle' | 'square' | 'triangle' | 'cross' | 'diamond';

/**
 * One object of a {@link ShapeScene}: its class, the box of its visible pixels (pixel edges,
 * `x2`/`y2` exclusive) and its visible mask (`size × size`, 1 inside and 0 outside; generated
 * scenes always have one, training needs it only for a detector with a mask head).
 *
 * @example
 * ```ts
 * const { box, classId, mask } = scene.objects[0];
 * ```
 */
export interface SceneObject {
  classId: number;
  box: Box;
  mask?: Uint8Array;
}

/** A generated RGB image with its objects. @example `const { image, objects } = scenes[0];` */
export interface ShapeScene {
  image: RawImage & { data: Uint8Array; channels: 3 };
  objects: SceneObject[];
}

/**
 * Options of {@link generateShapeScenes}.
 *
 * @example
 * ```ts
 * const options: ShapeSceneOptions = { count: 200, backgrounds: [photo], classes: ['circle', 'square'], seed: 1 };
 * ```
 */
export interface ShapeSceneOptions {
  count: number;
  /** Photos to crop backgrounds from (RGB or RGBA). */
  backgrounds: readonly RawImage[];
  /** The shapes, in class-id order. Default circle, square, triangle. */
  classes?: readonly ShapeKind[];
  /** Square scene side in pixels. Default 64. */
  size?: number;
  /** Objects per scene. Defaults 1 and 3. */
  minObjects?: number;
  maxObjects?: number;
  /** Object side range in pixels. Defaults 0.2 and 0.42 of `size`. */
  minSide?: number;
  maxSide?: number;
  /** Most of an object that later objects may hide (0–1). Default 0.35. */
  maxOcclusion?: number;
  seed?: number;
}

type Rng = () => number;

function inside(kind: ShapeKind, dx: number, dy: number, r: number): boolean {
  switch (kind) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square':
      return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
    case 'triangle':
      return dy >= -r && dy <= 0.8 * r && Math.abs(dx) <= (dy + r) / 1.8;
    case 'cross':
      return (Math.abs(dx) <= r && Math.abs(dy) <= r * 0.34) || (Math.abs(dy) <= r && Math.abs(dx) <= r * 0.34);
    case 'diamond':
      return Math.abs(dx) + Math.abs(dy) <= r;
  }
}

function hsv(h: number, s: number, v: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return Math.round(255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

function cropBackground(photo: RawImage, size: number, rng: Rng): Float32Array {
  const side = Math.min(photo.width, photo.height) * (0.25 + 0.75 * rng());
  const x0 = rng() * (photo.width - side);
  const y0 = rng() * (photo.height - side);
  const out = new Float32Array(size * size * 3);
  const step = side / size;
  const ch = photo.channels;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(photo.height - 1, Math.floor(y0 + (y + 0.5) * step));
    for (let x = 0; x < size; x++) {
      const sx = Math.min(photo.width - 1, Math.floor(x0 + (x + 0.5) * step));
      const s = (sy * photo.width + sx) * ch;
      for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = Number(photo.data[s + (ch === 1 ? 0 : c)]);
    }
  }
  return out;
}

/** Coverage (0–1, 2×2 supersampled) of one shape over the scene. */
function coverage(kind: ShapeKind, cx: number, cy: number, r: number, size: number): Float32Array {
  const cov = new Float32Array(size * size);
  const x0 = Math.max(0, Math.floor(cx - r - 1));
  const x1 = Math.min(size, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1));
  const y1 = Math.min(size, Math.ceil(cy + r + 1));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      let n = 0;
      for (const oy of [0.25, 0.75]) for (const ox of [0.25, 0.75]) if (inside(kind, x + ox - cx, y + oy - cy, r)) n++;
      cov[y * size + x] = n / 4;
    }
  }
  return cov;
}

function boxOf(mask: Uint8Array, size: number): Box | null {
  let x1 = size;
  let y1 = size;
  let x2 = -1;
  let y2 = -1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      x1 = Math.min(x1, x);
      x2 = Math.max(x2, x);
      y1 = Math.min(y1, y);
      y2 = Math.max(y2, y);
    }
  }
  return x2 < 0 ? null : { x1, y1, x2: x2 + 1, y2: y2 + 1 };
}

function count(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i];
  return n;
}

function scene(options: Required<Omit<ShapeSceneOptions, 'count' | 'seed'>>, rng: Rng): ShapeScene {
  const { size, classes, backgrounds } = options;
  const pixels = cropBackground(backgrounds[Math.floor(rng() * backgrounds.length)], size, rng);
  const owner = new Int16Array(size * size).fill(-1);
  const full: number[] = [];
  const placed: { classId: number; cov: Float32Array; color: [number, number, number] }[] = [];
  const wanted = options.minObjects + Math.floor(rng() * (options.maxObjects - options.minObjects + 1));
  for (let attempt = 0; placed.length < wanted && attempt < wanted * 12; attempt++) {
    const classId = Math.floor(rng() * classes.length);
    const r = (options.minSide + rng() * (options.maxSide - options.minSide)) / 2;
    const cx = r + rng() * (size - 2 * r);
    const cy = r + rng() * (size - 2 * r);
    const cov = coverage(classes[classId], cx, cy, r, size);
    const next = Int16Array.from(owner);
    for (let i = 0; i < cov.length; i++) if (cov[i] >= 0.5) next[i] = placed.length;
    const visible = placed.map((_, k) => next.reduce((n, o) => n + (o === k ? 1 : 0), 0));
    if (visible.some((v, k) => v < full[k] * (1 - options.maxOcclusion))) continue;
    owner.set(next);
    full.push(cov.reduce((n, c) => n + (c >= 0.5 ? 1 : 0), 0));
    placed.push({ classId, cov, color: hsv(rng(), 0.55 + 0.45 * rng(), 0.45 + 0.55 * rng()) });
  }
  for (const { cov, color } of placed) {
    for (let i = 0; i < cov.length; i++) {
      const a = cov[i];
      if (a > 0) for (let c = 0; c < 3; c++) pixels[i * 3 + c] = pixels[i * 3 + c] * (1 - a) + color[c] * a;
    }
  }
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(pixels[i] + (rng() - 0.5) * 12)));
  const objects: SceneObject[] = [];
  placed.forEach(({ classId }, k) => {
    const mask = Uint8Array.from(owner, (o) => (o === k ? 1 : 0));
    const box = boxOf(mask, size);
    if (box && count(mask) >= 4) objects.push({ classId, box, mask });
  });
  return { image: { data, width: size, height: size, channels: 3 }, objects };
}

/**
 * Generates `count` scenes of coloured shapes (random class, size, colour, position, partial
 * occlusion by later shapes) on random crops of real photos, with the box and mask of each
 * object's visible pixels. Use different seeds for training and held-out scenes.
 *
 * @throws VisionError `INVALID_OPTION` for no backgrounds, no classes or bad sizes.
 * @example
 * ```ts
 * const photo = await decodeImageFile('street.jpg');
 * const train = generateShapeScenes({ count: 500, backgrounds: [photo], seed: 1 });
 * const heldOut = generateShapeScenes({ count: 100, backgrounds: [photo], seed: 2 });
 * ```
 */
export function generateShapeScenes(options: ShapeSceneOptions): ShapeScene[] {
  const size = options.size ?? 64;
  const resolved = {
    size,
    backgrounds: options.backgrounds,
    classes: options.classes ?? (['circle', 'square', 'triangle'] as const),
    minObjects: options.minObjects ?? 1,
    maxObjects: options.maxObjects ?? 3,
    minSide: options.minSide ?? Math.round(size * 0.2),
    maxSide: options.maxSide ?? Math.round(size * 0.42),
    maxOcclusion: options.maxOcclusion ?? 0.35,
  };
  if (resolved.backgrounds.length === 0) throw new VisionError('INVALID_OPTION', 'generateShapeScenes needs at least one background photo');
  if (resolved.classes.length === 0) throw new VisionError('INVALID_OPTION', 'generateShapeScenes needs at least one shape class');
  if (!(Number.isInteger(size) && size >= 8)) throw new VisionError('INVALID_OPTION', `size is ${size}; it must be an integer ≥ 8`);
  if (!(resolved.minSide >= 3 && resolved.maxSide >= resolved.minSide && resolved.maxSide <= size)) {
    throw new VisionError('INVALID_OPTION', `object sides ${resolved.minSide}–${resolved.maxSide} must satisfy 3 ≤ minSide ≤ maxSide ≤ size (${size})`);
  }
  if (!(resolved.minObjects >= 0 && resolved.maxObjects >= resolved.minObjects)) {
    throw new VisionError('INVALID_OPTION', `objects per scene ${resolved.minObjects}–${resolved.maxObjects}: need 0 ≤ minObjects ≤ maxObjects`);
  }
  const rng = seededRandom(options.seed ?? 1);
  return Array.from({ length: options.count }, () => scene(resolved, rng));
}

/**
 * The scene mirrored left–right, with boxes and masks mirrored consistently (flip
 * augmentation).
 *
 * @example
 * ```ts
 * const mirrored = flipSceneHorizontal(scenes[0]);
 * ```
 */
export function flipSceneHorizontal(s: ShapeScene): ShapeScene {
  const { width: w, height: h } = s.image;
  const data = new Uint8Array(s.image.data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = s.image.data[(y * w + (w - 1 - x)) * 3 + c];
  }
  const objects = s.objects.map((o): SceneObject => {
    const box = { x1: w - o.box.x2, y1: o.box.y1, x2: w - o.box.x1, y2: o.box.y2 };
    const source = o.mask;
    if (!source) return { classId: o.classId, box };
    const mask = new Uint8Array(source.length);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) mask[y * w + x] = source[y * w + (w - 1 - x)];
    return { classId: o.classId, box, mask };
  });
  return { image: { ...s.image, data }, objects };
}
