// Compile-time check (run by `tsc --noEmit`): the three 2D contexts visionpipe draws on —
// DOM, OffscreenCanvas and @napi-rs/canvas — all fit `Canvas2D` without casts, and both
// OffscreenCanvas and @napi-rs/canvas's createCanvas fit `CreateScratchCanvas`.
import type { Canvas, SKRSContext2D } from '@napi-rs/canvas';
import type { Canvas2D, CreateScratchCanvas } from '../../src/render/index';

declare const dom: CanvasRenderingContext2D;
declare const offscreen: OffscreenCanvasRenderingContext2D;
declare const skia: SKRSContext2D;
declare function napiCreateCanvas(width: number, height: number): Canvas;

export const contexts: Canvas2D[] = [dom, offscreen, skia];
export const napiScratch: CreateScratchCanvas = napiCreateCanvas;
export const offscreenScratch: CreateScratchCanvas = (width, height) => new OffscreenCanvas(width, height);
