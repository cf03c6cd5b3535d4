import { existsSync, statSync } from 'node:fs';
import { VisionError } from '../../core/errors';
import { pipeline } from '../../pipeline';
import { parseColor } from '../../render/colors';
import { type MatteBackground, compositeMatte } from '../../render/matte';
import { decodeImageFile } from '../node-platform';
import type { CliTask, TaskSettings } from './task-types';

const ms = (t: number): string => `${t.toFixed(0)} ms`;

/** `blur` in any case (colour names are case-insensitive too), unless a file of that name is there. */
const isBlur = (value: string): boolean => value === 'blur' || (value.toLowerCase() === 'blur' && !existsSync(value));

/**
 * What `--background` names: `blur` (the default), an image file (drawn opaque), or a CSS
 * colour (`transparent` or a colour with alpha: a cut-out, for PNG outputs).
 *
 * @throws VisionError `INVALID_OPTION` for anything else, an image file that cannot be decoded included.
 * @example
 * ```ts
 * const background = await matteBackground('#00b140'); // { color: '#00b140' }
 * ```
 */
export async function matteBackground(value: string | undefined): Promise<MatteBackground> {
  if (value === undefined || isBlur(value)) return { blur: 12 };
  if (existsSync(value) && statSync(value).isFile()) {
    const raw = await decodeImageFile(value).catch((error: unknown) => {
      throw new VisionError('INVALID_OPTION', `--background '${value}' is a file but not an image visionpipe can read (${error instanceof Error ? error.message : String(error)}); it must be blur, a colour or an image file (PNG, JPEG, WebP, …)`, { cause: error });
    });
    const data = new Uint8ClampedArray(raw.width * raw.height * 4);
    for (let p = 0; p < raw.width * raw.height; p++) {
      for (let c = 0; c < 3; c++) data[p * 4 + c] = raw.data[p * raw.channels + (raw.channels >= 3 ? c : 0)];
      data[p * 4 + 3] = 255;
    }
    return { image: { width: raw.width, height: raw.height, data } };
  }
  try {
    parseColor(value);
  } catch (error) {
    // a value that names a file (or a folder) is told what is wrong with it, not that it is no colour
    const present = existsSync(value) ? (statSync(value).isDirectory() ? 'is a directory' : 'is not a regular file (a device or pipe)') : undefined;
    const reason = present ?? (/[\\/]|\.[a-z0-9]{2,5}$/i.test(value) ? 'no such file' : undefined);
    const allowed = 'blur, a CSS colour (#rgb[a], #rrggbb[aa], a name such as green, rgb(…), hsl(…), oklch(…) …) or an image file';
    throw new VisionError('INVALID_OPTION', reason ? `--background '${value}': ${reason}; it must be ${allowed}` : `--background must be ${allowed}; got '${value}'`, { cause: error });
  }
  return { color: value };
}

/**
 * Refuses a see-through `--background` (`transparent`, a colour with alpha) for a run that
 * writes videos: they are H.264 without an alpha channel; PNG outputs of images keep it.
 *
 * @throws VisionError `INVALID_OPTION` naming the colour and what videos take.
 * @example
 * ```ts
 * checkVideoBackground('#00b140'); // fine; 'transparent' throws
 * ```
 */
export function checkVideoBackground(value: string | undefined): void {
  if (value === undefined || isBlur(value) || existsSync(value)) return;
  let alpha: number;
  try {
    alpha = parseColor(value, '--background').a;
  } catch {
    return; // not a colour: the matte task says what --background takes
  }
  if (alpha < 1) {
    throw new VisionError('INVALID_OPTION', `--background '${value}' is see-through, which only image outputs (PNG) keep; videos are written as H.264 without alpha: give them blur, an opaque colour or an image`);
  }
}

/**
 * The `matte` command's task: the video-matting pipeline (`--model`: selfie-segmentation by
 * default, meet-segmentation, rvm) and, for `--out`, the frame composited over the
 * `--background`. Videos run in the pipeline's video mode.
 *
 * @example
 * ```ts
 * const task = await createMatteTask({ background: 'green' });
 * const { summary } = await task.analyse('photo.jpg');
 * ```
 */
export async function createMatteTask(s: TaskSettings): Promise<CliTask> {
  const background = await matteBackground(s.background);
  const p = await pipeline('video-matting', { model: s.model, backend: s.backend, outputForeground: false });
  return {
    backend: p.runner.backend,
    suffix: 'matte',
    takesVideo: true,
    reads: 'image' in background && s.background !== undefined ? [s.background] : [],
    async analyse(input, timestampMs) {
      const result = timestampMs === undefined ? await p.run(input) : await p.runForVideo(input, timestampMs);
      const { alpha, imageSize, timing } = result;
      const share = alpha.toFloat32Array().reduce((sum, v) => sum + v, 0) / Math.max(1, alpha.width * alpha.height);
      return {
        summary: `person ${(share * 100).toFixed(1)}% of the frame (${imageSize.width}×${imageSize.height}, ${ms(timing.total)}, ${p.runner.backend})`,
        rows: [],
        result: { personShare: share, imageSize, timing, ...(result.downsampleRatio === undefined ? {} : { downsampleRatio: result.downsampleRatio }) },
        draw: (ctx) => compositeMatte(ctx, alpha, background),
        release: () => alpha.close(),
      };
    },
    reset: () => p.reset(),
    dispose: () => p.dispose(),
  };
}
