import { recyclerOf } from './mask-recycling';
import { VisionError } from './errors';
import { checkMaskColours, checkMaskKind, checkMaskPixels, checkMaskThreshold, checkRle } from './mask-checks';
import { shownData } from './shown-value';

/**
 * What a {@link Mask}'s values mean: `binary` (in / out), `probability` (0–1 per pixel) or
 * `category` (a class index per pixel, like MediaPipe's `categoryMask`).
 *
 * @example
 * ```ts
 * if (mask.kind === 'probability') blend(mask.toFloat32Array());
 * ```
 */
export type MaskKind = 'binary' | 'probability' | 'category';

/**
 * The rectangle of a {@link Mask} that holds its data, in mask pixels; every pixel outside
 * it is 0. Instance masks keep only their object's neighbourhood, so 100 full-frame masks
 * stay cheap until they are expanded.
 *
 * @example
 * ```ts
 * const { x, y, width, height } = mask.bounds;
 * ```
 */
export interface MaskBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Uncompressed COCO run-length encoding of a binary mask: `counts` alternate runs of 0s and
 * 1s (starting with 0s, possibly an empty run) over the pixels in **column-major** order
 * (down the first column, then the next), as pycocotools' `{ size: [h, w], counts }`.
 * Plain data: send it to a worker or store it, and rebuild the mask with {@link Mask.fromRle}.
 *
 * @example
 * ```ts
 * const rle: MaskRle = { size: [2, 2], counts: [1, 2, 1] }; // pixels (0,1) and (1,0) set
 * ```
 */
export interface MaskRle {
  /** `[height, width]`, as in COCO. */
  size: [number, number];
  counts: number[];
}

/** RGBA pixels as `ImageData` has them; a plain object where `ImageData` does not exist (Node). @example `ctx.putImageData(mask.toImageData() as ImageData, 0, 0);` */
export interface MaskImageData {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** Colours of {@link Mask.toImageData}: RGBA 0–255 for `binary`/`probability` masks, or a palette indexed by category. @example `mask.toImageData({ color: [255, 0, 0, 160] })` */
export interface MaskImageOptions {
  /** Default `[30, 144, 255, 160]` (semi-transparent blue); probability masks scale the alpha. */
  color?: readonly [number, number, number, number];
  /** Category masks: colour of each class index, `palette[index % palette.length]` (default: class 0 — background — transparent, classes 1, 2, … through 19 fixed colours in turn). */
  palette?: readonly (readonly [number, number, number, number])[];
}

type MaskData = Uint8Array | Float32Array;

/**
 * A {@link Mask} as plain, structured-clone-safe data, exact for every kind: its size, kind,
 * bounds and a copy of the values over the bounds (row-major; `Float32Array` for
 * probabilities, else `Uint8Array`). `data.buffer` is the packed copy's own, so it can be
 * transferred. Made by {@link Mask.pack}, turned back into a mask by {@link Mask.unpack}.
 *
 * @example
 * ```ts
 * const packed: PackedMask = mask.pack();
 * port.postMessage(packed, [packed.data.buffer]);
 * ```
 */
export interface PackedMask {
  kind: MaskKind;
  width: number;
  height: number;
  bounds: MaskBounds;
  data: Uint8Array | Float32Array;
}

const DEFAULT_COLOR = [30, 144, 255, 160] as const;
const PALETTE: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0, 0], [230, 25, 75, 160], [60, 180, 75, 160], [255, 225, 25, 160], [0, 130, 200, 160], [245, 130, 48, 160],
  [145, 30, 180, 160], [70, 240, 240, 160], [240, 50, 230, 160], [210, 245, 60, 160], [250, 190, 212, 160],
  [0, 128, 128, 160], [220, 190, 255, 160], [170, 110, 40, 160], [255, 250, 200, 160], [128, 0, 0, 160],
  [170, 255, 195, 160], [128, 128, 0, 160], [255, 215, 180, 160], [0, 0, 128, 160],
];

let openMasks = 0;
let warned = false;

function checkSize(width: number, height: number, what: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new VisionError('INVALID_INPUT', `${what}: mask size ${width}×${height} must be non-negative integers`);
  }
}

/**
 * An owned image mask — an instance mask, a person-probability map or a per-pixel class map —
 * at the size of the frame it belongs to. It holds CPU typed arrays (never a tensor): read it
 * with {@link toUint8Array}, {@link toFloat32Array} or {@link toImageData}, send it to a
 * worker as {@link toRle}, and {@link close} it when done; later use throws `DISPOSED`. A
 * warning is printed once when more than {@link Mask.leakWarningThreshold} masks are open
 * (as MediaPipe's `MPMask` does), which usually means results are not being closed.
 *
 * @example
 * ```ts
 * const { instances } = await segmenter.run(photo);
 * for (const { label, mask } of instances) {
 *   ctx.putImageData(mask.toImageData() as ImageData, 0, 0);
 *   mask.close();
 * }
 * ```
 */
export class Mask {
  /** Open masks above which one warning is printed; set it higher for workloads that keep many. */
  static leakWarningThreshold = 512;
  private data: MaskData | null;

  private constructor(
    /** Mask width in pixels (the frame's). */
    readonly width: number,
    /** Mask height in pixels (the frame's). */
    readonly height: number,
    /** What the values mean. */
    readonly kind: MaskKind,
    /** The rectangle that holds data; zero outside. */
    readonly bounds: Readonly<MaskBounds>,
    data: MaskData,
  ) {
    this.data = data;
    openMasks += 1;
    if (openMasks > Mask.leakWarningThreshold && !warned) {
      warned = true;
      console.warn(`visionpipe: ${openMasks} masks are open; call mask.close() on masks you no longer need (Mask.leakWarningThreshold = ${Mask.leakWarningThreshold})`);
    }
  }

  /** How many masks are open now (created, not yet closed). @example `expect(Mask.openCount).toBe(before);` */
  static get openCount(): number {
    return openMasks;
  }

  /**
   * Wraps mask values (copied or adopted, never shared with another mask). `data` covers
   * `bounds` row by row (default: the whole `width`×`height`). Binary and category data are
   * `Uint8Array` (binary: non-zero = inside), probabilities `Float32Array` in 0–1.
   *
   * @throws VisionError `INVALID_INPUT` for sizes, bounds or data that do not fit, and for a
   * mask over the pixel limit in force (as for images: default 2^26).
   * @example
   * ```ts
   * const square = Mask.create('binary', 4, 4, new Uint8Array([1, 1, 1, 1]), { x: 1, y: 1, width: 2, height: 2 });
   * ```
   */
  static create(kind: MaskKind, width: number, height: number, data: MaskData, bounds?: MaskBounds): Mask {
    checkMaskKind(kind, 'Mask.create');
    checkSize(width, height, 'Mask.create');
    checkMaskPixels(width, height, 'Mask.create');
    const b = bounds ?? { x: 0, y: 0, width, height };
    checkSize(b.width, b.height, 'Mask.create bounds');
    if (!Number.isInteger(b.x) || !Number.isInteger(b.y) || b.x < 0 || b.y < 0 || b.x + b.width > width || b.y + b.height > height) {
      throw new VisionError('INVALID_INPUT', `Mask.create: bounds ${shownData(b)} must lie inside the ${width}×${height} mask`);
    }
    const wantFloat = kind === 'probability';
    if (wantFloat !== data instanceof Float32Array || (!wantFloat && !(data instanceof Uint8Array))) {
      throw new VisionError('INVALID_INPUT', `Mask.create: ${kind} masks take a ${wantFloat ? 'Float32Array' : 'Uint8Array'}`);
    }
    if (data.length !== b.width * b.height) {
      throw new VisionError('INVALID_INPUT', `Mask.create: ${data.length} values for a ${b.width}×${b.height} region`);
    }
    return new Mask(width, height, kind, { ...b }, data);
  }

  /**
   * Rebuilds a binary mask from its run-length encoding ({@link toRle}).
   *
   * @throws VisionError `INVALID_INPUT` when the counts do not add up to `height × width`.
   * @example
   * ```ts
   * const mask = Mask.fromRle(message.rle);
   * ```
   */
  static fromRle(rle: MaskRle): Mask {
    checkRle(rle, 'Mask.fromRle');
    const [height, width] = rle.size;
    const out = new Uint8Array(width * height);
    let pixel = 0;
    rle.counts.forEach((run, k) => {
      if (k % 2 === 1) for (let p = pixel; p < pixel + run; p++) out[(p % height) * width + Math.floor(p / height)] = 1;
      pixel += run;
    });
    return new Mask(width, height, 'binary', { x: 0, y: 0, width, height }, out);
  }

  /** Whether {@link close} was called. @example `if (!mask.closed) mask.close();` */
  get closed(): boolean {
    return this.data === null;
  }

  private values(): MaskData {
    if (!this.data) throw new VisionError('DISPOSED', 'this mask was closed');
    return this.data;
  }

  /** Calls `visit(index, value)` for every pixel of the bounds (index into the full frame). */
  private forEachInBounds(visit: (index: number, value: number) => void): void {
    const data = this.values();
    const { x, y, width, height } = this.bounds;
    for (let r = 0; r < height; r++) {
      const row = (y + r) * this.width + x;
      for (let c = 0; c < width; c++) visit(row + c, data[r * width + c]);
    }
  }

  /**
   * The whole mask as bytes, row-major: binary 0/255, probabilities scaled to 0–255 (rounded),
   * category masks their class indices. A new array each call.
   *
   * @example
   * ```ts
   * const alpha = mask.toUint8Array();
   * ```
   */
  toUint8Array(): Uint8Array {
    const out = new Uint8Array(this.width * this.height);
    const kind = this.kind;
    this.forEachInBounds((i, v) => {
      out[i] = kind === 'binary' ? (v ? 255 : 0) : kind === 'category' ? v : Math.round(Math.min(Math.max(v, 0), 1) * 255);
    });
    return out;
  }

  /**
   * The whole mask as floats, row-major: probabilities as they are, binary 0/1, category
   * masks their class indices. A new array each call.
   *
   * @example
   * ```ts
   * const person = mask.toFloat32Array(); // 0–1 per pixel
   * ```
   */
  toFloat32Array(): Float32Array {
    const out = new Float32Array(this.width * this.height);
    const binary = this.kind === 'binary';
    this.forEachInBounds((i, v) => {
      out[i] = binary ? (v ? 1 : 0) : v;
    });
    return out;
  }

  /**
   * Pixels inside the mask: binary non-zero, probability > `threshold` (default 0.5),
   * category non-zero (not background).
   *
   * @example
   * ```ts
   * const coverage = mask.area() / (mask.width * mask.height);
   * ```
   */
  area(threshold = 0.5): number {
    checkMaskThreshold(threshold, 'area threshold');
    let n = 0;
    const cut = this.kind === 'probability' ? threshold : 0;
    this.forEachInBounds((_, v) => {
      if (v > cut) n++;
    });
    return n;
  }

  /**
   * An RGBA picture of the mask to draw over the frame: the colour where the mask is set
   * (probabilities scale its alpha), transparent elsewhere; category masks use a palette.
   * Returns an `ImageData` where that exists (browsers, workers), else a plain
   * `{ data, width, height }` object (Node).
   *
   * @example
   * ```ts
   * ctx.putImageData(mask.toImageData({ color: [255, 0, 0, 128] }) as ImageData, 0, 0);
   * ```
   */
  toImageData(options: MaskImageOptions = {}): MaskImageData {
    checkMaskColours(options.color, options.palette);
    const rgba = new Uint8ClampedArray(this.width * this.height * 4);
    const color = options.color ?? DEFAULT_COLOR;
    const palette = options.palette;
    const kind = this.kind;
    this.forEachInBounds((i, v) => {
      // the default palette: class 0 (background) transparent, classes 1, 2, … cycling through 19 colours
      const c = kind !== 'category' ? color : palette ? palette[v % palette.length] : v === 0 ? PALETTE[0] : PALETTE[1 + ((v - 1) % (PALETTE.length - 1))];
      const alpha = kind === 'probability' ? c[3] * Math.min(Math.max(v, 0), 1) : kind === 'binary' && !v ? 0 : c[3];
      rgba[i * 4] = c[0];
      rgba[i * 4 + 1] = c[1];
      rgba[i * 4 + 2] = c[2];
      rgba[i * 4 + 3] = alpha;
    });
    const { width, height } = this;
    if (typeof ImageData !== 'undefined' && width > 0 && height > 0) return new ImageData(rgba, width, height);
    return { data: rgba, width, height };
  }

  /**
   * The mask as COCO run-length encoding (column-major; probabilities thresholded at
   * `threshold`, default 0.5) — plain data for workers and storage; {@link Mask.fromRle}
   * rebuilds it. Category masks are refused (send `toUint8Array()` instead).
   *
   * @throws VisionError `INVALID_OPTION` for category masks.
   * @example
   * ```ts
   * worker.postMessage({ rle: mask.toRle() });
   * ```
   */
  toRle(threshold = 0.5): MaskRle {
    checkMaskThreshold(threshold, 'toRle threshold');
    if (this.kind === 'category') throw new VisionError('INVALID_OPTION', 'toRle encodes binary masks; a category mask is sent as toUint8Array()');
    const data = this.values();
    const { x: bx, y: by, width: bw, height: bh } = this.bounds;
    const cut = this.kind === 'probability' ? threshold : 0;
    const counts: number[] = [];
    let current = 0;
    let run = 0;
    for (let x = 0; x < this.width; x++) {
      const inColumn = x >= bx && x < bx + bw;
      for (let y = 0; y < this.height; y++) {
        const v = inColumn && y >= by && y < by + bh && data[(y - by) * bw + (x - bx)] > cut ? 1 : 0;
        if (v !== current) {
          counts.push(run);
          current = v;
          run = 0;
        }
        run++;
      }
    }
    counts.push(run);
    return { size: [this.height, this.width], counts };
  }

  /**
   * The mask as plain data with its own buffer (values over the bounds only), lossless for
   * every kind — how masks cross worker boundaries ({@link Mask.unpack} rebuilds it).
   *
   * @example
   * ```ts
   * const packed = mask.pack();
   * mask.close();
   * port.postMessage(packed, [packed.data.buffer]);
   * ```
   */
  pack(): PackedMask {
    return { kind: this.kind, width: this.width, height: this.height, bounds: { ...this.bounds }, data: this.values().slice() };
  }

  /**
   * Rebuilds a mask from {@link pack}'s data (adopting `packed.data`).
   *
   * @throws VisionError `INVALID_INPUT` when the data does not fit (as {@link Mask.create}).
   * @example
   * ```ts
   * const mask = Mask.unpack(message.mask);
   * ```
   */
  static unpack(packed: PackedMask): Mask {
    if (typeof packed !== 'object' || packed === null) throw new VisionError('INVALID_INPUT', 'Mask.unpack: expected a packed mask object');
    checkMaskKind(packed.kind, 'Mask.unpack');
    return Mask.create(packed.kind, packed.width, packed.height, packed.data, packed.bounds);
  }

  /** An independent copy (its own data; close both). @example `const kept = mask.clone();` */
  clone(): Mask {
    return new Mask(this.width, this.height, this.kind, this.bounds, this.values().slice());
  }

  /** Frees the data; later reads throw `DISPOSED`. Safe to call twice. @example `mask.close();` */
  close(): void {
    const data = this.data;
    if (!data) return;
    this.data = null;
    openMasks -= 1;
    if (openMasks <= Mask.leakWarningThreshold) warned = false;
    if (data instanceof Float32Array) recyclerOf(this)?.(data);
  }
}
