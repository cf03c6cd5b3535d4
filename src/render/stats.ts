/**
 * A small live-stats box in a corner of the canvas: processed and input fps, latency
 * p50/p95, dropped frames and the backend in use.
 */
import { checkColor, checkContext, checkOptionsObject } from './checks';
import { VisionError } from '../core/errors';
import type { Canvas2D } from './canvas2d';
import { type OverlayRect, resolveStyle } from './style';
import { optionNames } from '../core/known-options';

const OPTION_NAMES = /* @__PURE__ */ optionNames<StatsOptions>()(['corner', 'fontSize', 'fontFamily', 'color', 'background', 'margin']);

/**
 * The figures {@link drawStats} shows; each is optional (missing ones are left out).
 *
 * @example
 * ```ts
 * const stats: RenderStats = { fps: 27.8, latencyP50: 41, latencyP95: 58, droppedFrames: 3, backend: 'webgpu' };
 * ```
 */
export interface RenderStats {
  /** Processed frames per second. */
  fps?: number;
  /** Frames per second arriving from the source. */
  inputFps?: number;
  /** Capture → result latency, median, ms. */
  latencyP50?: number;
  /** Capture → result latency, 95th percentile, ms. */
  latencyP95?: number;
  droppedFrames?: number;
  backend?: string;
  /** More lines, `name value`. */
  extra?: Readonly<Record<string, string | number>>;
}

/**
 * Options of {@link drawStats}.
 *
 * @example
 * ```ts
 * drawStats(ctx, stats, { corner: 'top-right', fontSize: 12 });
 * ```
 */
export interface StatsOptions {
  /** Default `'top-left'`. */
  corner?: 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
  fontSize?: number;
  /** Default `'monospace'`. */
  fontFamily?: string;
  /** Text colour; default `'#ffffff'`. */
  color?: string;
  /** Box colour; default `'rgba(0, 0, 0, 0.6)'`. */
  background?: string;
  /** Distance from the canvas edges in canvas pixels (default 4). */
  margin?: number;
}

function num(value: number | undefined, digits: number): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/**
 * The lines {@link drawStats} writes for a set of stats.
 *
 * @example
 * ```ts
 * statsLines({ fps: 29.97, backend: 'wasm' }); // ['30.0 fps', 'backend wasm']
 * ```
 */
export function statsLines(stats: RenderStats): string[] {
  const lines: string[] = [];
  if (stats.fps !== undefined || stats.inputFps !== undefined) {
    const input = stats.inputFps !== undefined ? ` (in ${num(stats.inputFps, 1)})` : '';
    lines.push(`${num(stats.fps, 1)} fps${input}`);
  }
  if (stats.latencyP50 !== undefined || stats.latencyP95 !== undefined) {
    lines.push(`p50 ${num(stats.latencyP50, 0)} ms  p95 ${num(stats.latencyP95, 0)} ms`);
  }
  if (stats.droppedFrames !== undefined) lines.push(`dropped ${num(stats.droppedFrames, 0)}`);
  if (stats.backend) lines.push(`backend ${stats.backend}`);
  for (const [name, value] of Object.entries(stats.extra ?? {})) {
    lines.push(`${name} ${typeof value === 'number' ? num(value, 1) : value}`);
  }
  return lines;
}

/**
 * Draws the stats box in a corner and returns its rectangle (`undefined` when there is
 * nothing to show). Non-finite numbers show as `–`.
 *
 * @example
 * ```ts
 * drawStats(ctx, { fps: s.processedFps, latencyP50: s.latency.captureToResult.p50, latencyP95: s.latency.captureToResult.p95, backend: detector.runner.backend });
 * ```
 */
export function drawStats(ctx: Canvas2D, stats: RenderStats, options: StatsOptions = {}): OverlayRect | undefined {
  checkContext(ctx, 'drawStats');
  checkOptionsObject(options, 'drawStats', OPTION_NAMES);
  if (!stats || typeof stats !== 'object') throw new VisionError('INVALID_INPUT', `stats must be an object like { fps, latencyP50, latencyP95, droppedFrames, backend }, got ${typeof stats}`);
  const corner = options.corner ?? 'top-left';
  if (!['top-left', 'top-right', 'bottom-left', 'bottom-right'].includes(corner)) {
    throw new VisionError('INVALID_OPTION', `corner is "${String(corner)}"; allowed: 'top-left', 'top-right', 'bottom-left', 'bottom-right'`);
  }
  const margin = options.margin ?? 4;
  if (!(margin >= 0 && Number.isFinite(margin))) throw new VisionError('INVALID_OPTION', `margin is ${margin}; it must be a finite number ≥ 0`);
  const lines = statsLines(stats);
  if (lines.length === 0) return undefined;
  const { width, height } = ctx.canvas;
  const style = resolveStyle({ fontSize: options.fontSize, fontFamily: options.fontFamily ?? 'monospace' }, { width, height });
  const lineHeight = Math.round(style.fontSize * 1.3);

  ctx.save();
  ctx.font = style.font;
  const textWidth = Math.max(...lines.map((line) => ctx.measureText(line).width));
  const boxWidth = Math.ceil(textWidth) + 2 * style.padding;
  const boxHeight = lines.length * lineHeight + 2 * style.padding;
  const x = corner.endsWith('left') ? margin : width - margin - boxWidth;
  const y = corner.startsWith('top') ? margin : height - margin - boxHeight;
  ctx.fillStyle = options.background === undefined ? 'rgba(0, 0, 0, 0.6)' : checkColor(options.background, 'background');
  ctx.fillRect(x, y, boxWidth, boxHeight);
  ctx.fillStyle = options.color === undefined ? '#ffffff' : checkColor(options.color, 'color');
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  lines.forEach((line, i) => ctx.fillText(line, x + style.padding, y + style.padding + i * lineHeight + lineHeight / 2));
  ctx.restore();
  return { x, y, width: boxWidth, height: boxHeight };
}
