/**
 * The slice of the Canvas 2D API that visionpipe's drawing functions use. It is structural, so
 * a browser `CanvasRenderingContext2D`, an `OffscreenCanvasRenderingContext2D` (also inside a
 * worker) and `@napi-rs/canvas`'s `SKRSContext2D` in Node all fit without casts.
 */

/**
 * Writable pixel storage: a `Uint8ClampedArray` in practice (any numeric typed array fits).
 *
 * @example
 * ```ts
 * const data: PixelArray = new Uint8ClampedArray(4);
 * data[3] = 255;
 * ```
 */
export interface PixelArray {
  readonly length: number;
  [index: number]: number;
}

/**
 * RGBA pixels of a canvas region: `data` holds `width × height × 4` values 0–255, row-major,
 * not premultiplied (what `getImageData` returns in every implementation).
 *
 * @example
 * ```ts
 * const pixels: ImageDataLike = ctx.getImageData(0, 0, 10, 10);
 * const red = pixels.data[0];
 * ```
 */
export interface ImageDataLike {
  readonly width: number;
  readonly height: number;
  readonly data: PixelArray;
}

/**
 * A 2D drawing context: the methods and properties visionpipe's renderers call. Any real
 * 2D context — DOM, OffscreenCanvas or `@napi-rs/canvas` — is assignable to it.
 *
 * @example
 * ```ts
 * const ctx: Canvas2D = document.querySelector('canvas')!.getContext('2d')!;
 * drawDetections(ctx, result.detections);
 * ```
 */
export interface Canvas2D {
  /** The canvas drawn on; its bitmap size is the drawing area. */
  readonly canvas: { readonly width: number; readonly height: number };
  /** Written with CSS colour strings; typed `unknown` so every implementation's union fits. */
  fillStyle: unknown;
  /** Written with CSS colour strings; typed `unknown` so every implementation's union fits. */
  strokeStyle: unknown;
  lineWidth: number;
  lineJoin: string;
  lineCap: string;
  font: string;
  textBaseline: string;
  textAlign: string;
  globalAlpha: number;
  imageSmoothingEnabled: boolean;
  /** How smoothly scaled images are drawn (`'medium'`: bilinear on browsers and @napi-rs/canvas); absent on some canvases. */
  imageSmoothingQuality?: 'low' | 'medium' | 'high';
  save(): void;
  restore(): void;
  /** The current transformation matrix (what drawing calls go through); absent on some canvases. */
  getTransform?(): { a: number; b: number; c: number; d: number; e: number; f: number };
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  rect(x: number, y: number, width: number, height: number): void;
  arc(x: number, y: number, radius: number, startAngle: number, endAngle: number): void;
  stroke(): void;
  fill(): void;
  fillRect(x: number, y: number, width: number, height: number): void;
  strokeRect(x: number, y: number, width: number, height: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { readonly width: number };
  getImageData(sx: number, sy: number, sw: number, sh: number): ImageDataLike;
  putImageData(imageData: ImageDataLike, dx: number, dy: number): void;
  createImageData(width: number, height: number): ImageDataLike;
  /**
   * Draws another canvas scaled into a rectangle. The image must come from the same canvas
   * implementation as the context (an `OffscreenCanvas` for a browser context, a
   * `@napi-rs/canvas` canvas in Node) — see {@link CreateScratchCanvas}.
   */
  drawImage(image: unknown, dx: number, dy: number, dw: number, dh: number): void;
}

/**
 * A canvas the renderers can draw into off-screen (to build a mask overlay before scaling it
 * onto the target).
 *
 * @example
 * ```ts
 * const scratch: ScratchCanvas = new OffscreenCanvas(160, 160);
 * ```
 */
export interface ScratchCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): Canvas2D | null;
}

/**
 * Makes a scratch canvas of a size. In browsers and workers the default is
 * `new OffscreenCanvas(w, h)`; in Node pass `@napi-rs/canvas`'s `createCanvas`.
 *
 * @example
 * ```ts
 * import { createCanvas } from '@napi-rs/canvas';
 * drawMasks(ctx, masks, { createCanvas });
 * ```
 */
export type CreateScratchCanvas = (width: number, height: number) => ScratchCanvas;

/**
 * `new OffscreenCanvas(w, h)` where the platform has it (browsers, workers), otherwise
 * `undefined`.
 *
 * @example
 * ```ts
 * const make = defaultScratchCanvas();
 * if (make) drawMasks(ctx, masks, { createCanvas: make });
 * ```
 */
export function defaultScratchCanvas(): CreateScratchCanvas | undefined {
  const Offscreen = (globalThis as { OffscreenCanvas?: new (w: number, h: number) => ScratchCanvas }).OffscreenCanvas;
  if (typeof Offscreen !== 'function') return undefined;
  return (width, height) => new Offscreen(width, height);
}
