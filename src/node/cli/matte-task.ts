import { existsSync, statSync } from 'node:fs';
import { VisionError } from '../../core/errors';
import { pipeline } from '../../pipeline';
import { parseColor } from '../../render/colors';
import { type MatteBackground, compositeMatte } from '../../render/matte';
import { decodeImageFile } from '../node-platform';
import type { CliTask, TaskSettings } from './task-types';

const ms = (t: number): string => `${t.toFixed(0)} ms`;

/**
 * What `--background` names: `blur` (the default), an image file, or a CSS colour.
 *
 * @throws VisionError `INVALID_OPTION` for anything else (`INVALID_INPUT` for an unreadable image).
 * @example
 * ```ts
 * const background = await matteBackground('#00b140'); // { color: '#00b140' }
 * ```
 */
export async function matteBackground(value: string | undefined): Promise<MatteBackground> {
  if (value === undefined || value === 'blur') return { blur: 12 };
  if (existsSync(value) && statSync(value).isFile()) {
    const raw = await decodeImageFile(value);
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
    const allowed = 'blur, a CSS colour (#rrggbb, rgb(…), a basic name) or an image file';
    throw new VisionError('INVALID_OPTION', reason ? `--background '${value}': ${reason}; it must be ${allowed}` : `--background must be ${allowed}; got '${value}'`, { cause: error });
  }
  return { color: value };
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
