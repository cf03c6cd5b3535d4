// Shared helpers of the render tests: @napi-rs/canvas canvases and pixel reads.
import { type Canvas, type SKRSContext2D, createCanvas } from '@napi-rs/canvas';
import { expect } from 'vitest';
import type { VisionErrorCode } from '../../src/core/errors';
import { parseColor } from '../../src/render/index';

export interface TestCanvas {
  canvas: Canvas;
  ctx: SKRSContext2D;
  /** RGBA at an integer pixel. */
  px(x: number, y: number): [number, number, number, number];
}

/** A canvas filled with `background` (default: transparent). */
export function blank(width: number, height: number, background?: string): TestCanvas {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, width, height);
  }
  return {
    canvas,
    ctx,
    px(x, y) {
      const d = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
      return [d[0], d[1], d[2], d[3]];
    },
  };
}

/** `[r, g, b, 255]` of a CSS colour. */
export function rgba(color: string): [number, number, number, number] {
  const c = parseColor(color);
  return [c.r, c.g, c.b, Math.round(c.a * 255)];
}

/** Largest channel difference between two RGBA tuples. */
export function diff(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

/** How many pixels of the canvas are not fully transparent. */
export function inked(ctx: SKRSContext2D, width: number, height: number): number {
  const d = ctx.getImageData(0, 0, width, height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
  return n;
}

/** Asserts that `fn` throws a VisionError with `code` whose message contains `fragment`. */
export function expectRefusal(fn: () => unknown, code: VisionErrorCode, fragment: string): void {
  expect(fn).toThrow(expect.objectContaining({ name: 'VisionError', code, message: expect.stringContaining(fragment) }));
}
