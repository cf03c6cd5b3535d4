import { spawn } from 'node:child_process';
import { VisionError } from '../../core/errors';
import { type RawImage, effectiveMaxPixels } from '../../core/image-input';
import { checkImageSize } from '../../core/image-limits';
import { ffmpegVideoInput, findFfmpegTool } from './ffmpeg-binary';
import { logSafeVideoPath } from './log-safe-path';

/**
 * One decoded video frame: RGB pixels, its index in the decoded stream and its time.
 *
 * @example
 * ```ts
 * for await (const { image, index, timestampMs } of decodeVideoFrames('clip.mp4', info)) console.log(index, timestampMs);
 * ```
 */
export interface VideoFrameData {
  image: RawImage;
  index: number;
  timestampMs: number;
}

/**
 * How {@link decodeVideoFrames} reads a video: its frame size and rate (from `probeVideo`),
 * and optionally a rate to resample to (ffmpeg's `fps` filter).
 *
 * @example
 * ```ts
 * const options: DecodeOptions = { width: 640, height: 480, fps: 30, sampleFps: 5 };
 * ```
 */
export interface DecodeOptions {
  width: number;
  height: number;
  /** The video's average frame rate: only steps the time of a frame that carries none. */
  fps: number;
  /** Resample to this many frames per second. */
  sampleFps?: number;
  /** The index of the stream to decode (`probeVideo`'s `stream`); default: ffmpeg's own pick. */
  stream?: number;
  /** The largest frame (width × height) ffmpeg may decode; default the platform's `maxPixels` (2^26). */
  maxPixels?: number;
  /**
   * Called once, after the last frame, when ffmpeg decoded the video but reported errors (a
   * damaged or cut-short file: the frames before the damage still come), with its last message.
   */
  onDecodeErrors?: (message: string) => void;
}

const STDERR_TAIL = 2000;
/** The longest log line kept (the start of a line is all that is read; side data can be long). */
const MAX_LINE = 1024;
/** How long a decoded frame waits for its time on ffmpeg's log (written before the frame: it is there at once). */
const TIME_WAIT_MS = 2000;
/** ffmpeg's `max_pixels` option is an int. */
const FFMPEG_MAX_PIXELS = 2 ** 31 - 1;

/** The time showinfo printed for a frame: `pts` (none: `NOPTS`) in units of `num / den` s. */
interface FrameTime {
  pts?: number;
  num: number;
  den: number;
}

// The lines showinfo (the last filter) prints, at ffmpeg's `level+info` log level: its time base
// when configured (again when a frame of another size rebuilds the graph), then one line a
// frame, written before that frame goes to stdout. Only showinfo prints lines that start so.
const SHOWINFO = /^\[Parsed_showinfo_\d+ @ [^\]]+\] \[info\] (?:config in time_base: (\d+)\/(\d+)|n: *\d+ pts: *(-?\d+|NOPTS) )/;
const ERROR_LINE = /^((?:\[[^\]]* @ [^\]]*\] )*)\[(?:error|fatal|panic)\] (.*)$/;
const OVER_LIMIT = /Picture size (\d+)x(\d+) exceeds specified max pixel count/;

/** ffmpeg's log, read as it comes: frame times, error lines (the last `STDERR_TAIL` characters), a frame over the pixel limit. */
class DecodeLog {
  readonly times: FrameTime[] = [];
  errors = '';
  overLimit?: { width: number; height: number };
  ended = false;
  private partial = '';
  private num = 1;
  private den = 1000;
  private wake?: () => void;

  push(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.line((this.partial + text.slice(start, newline)).slice(0, MAX_LINE).replace(/\r$/, ''));
      this.partial = '';
      start = newline + 1;
    }
    this.partial = (this.partial + text.slice(start, start + MAX_LINE)).slice(0, MAX_LINE);
    this.wake?.();
  }

  end(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    this.ended = true;
    this.wake?.();
  }

  /** Resolves true on more log (or its end), false after `ms` without. */
  activity(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(true);
      };
    });
  }

  private line(line: string): void {
    const info = SHOWINFO.exec(line);
    if (info?.[1] !== undefined) [this.num, this.den] = [Number(info[1]), Number(info[2])];
    else if (info) this.times.push({ pts: info[3] === 'NOPTS' ? undefined : Number(info[3]), num: this.num, den: this.den });
    const over = OVER_LIMIT.exec(line);
    if (over) this.overLimit ??= { width: Number(over[1]), height: Number(over[2]) };
    const error = ERROR_LINE.exec(line);
    if (error) this.errors = (this.errors + error[1] + error[2] + '\n').slice(-STDERR_TAIL);
  }
}

/** The time of the next frame on the log; undefined when it printed none. */
async function nextTime(log: DecodeLog): Promise<FrameTime | undefined> {
  while (log.times.length === 0 && !log.ended) {
    if (!(await log.activity(TIME_WAIT_MS))) break;
  }
  return log.times.shift();
}

/** Milliseconds from `origin` to `time` (both with a `pts`). */
function msBetween(origin: FrameTime, time: FrameTime): number {
  const [from, to] = [origin.pts ?? 0, time.pts ?? 0];
  if (origin.num === time.num && origin.den === time.den) return ((to - from) * time.num * 1000) / time.den;
  return (to * time.num * 1000) / time.den - (from * origin.num * 1000) / origin.den;
}

/** `INVALID_INPUT` for a frame ffmpeg refused as over the pixel limit. */
function overLimitError(frame: { width: number; height: number }, limit: number): VisionError {
  try {
    checkImageSize(frame.width, frame.height, 'a frame of this video', limit);
  } catch (error) {
    if (error instanceof VisionError) return error;
  }
  return new VisionError('INVALID_INPUT', `a frame of this video is ${frame.width}×${frame.height} pixels, over the limit of ${limit} pixels`);
}

/**
 * The number, in a video of `fps` frames a second, of the frame shown at `timestampMs` — the
 * frame {@link decodeVideoFrames} gives at that time when it resamples (`round=up`: the last
 * frame that started by then). A millionth of a frame is forgiven: 1000/3 ms at 30 fps is
 * frame 10, not 9.
 *
 * @example
 * ```ts
 * frameNumberAt(428.57, 10); // 4: at 7 samples a second the 4th sample shows frame 4 of a 10 fps video
 * ```
 */
export function frameNumberAt(timestampMs: number, fps: number): number {
  return Math.floor((timestampMs * fps) / 1000 + 1e-6);
}

/**
 * Streams a video's frames as RGB pixels, decoded by an `ffmpeg` child process (`rawvideo`,
 * `rgb24`, piped): each frame of the video once, at the time the file gives it (ms from the
 * first frame; a variable-frame-rate video keeps its own times, and a gap in the video is a gap
 * in time, never filled with copies — whatever frame rate the file declares), or, with
 * `sampleFps`, resampled to that rate (frame `i` at `i × 1000 / sampleFps` ms, ffmpeg's `fps`
 * filter). A frame whose time does not come after the one before (a damaged file) is skipped,
 * counted in `index`. Every frame has the size given (`width` × `height`, as probed): a frame
 * of another size in the file is scaled to it, and one of more than `maxPixels` pixels is
 * `INVALID_INPUT`, never decoded. One frame in memory at a time, with backpressure (ffmpeg
 * pauses while the consumer works). Stopping early kills ffmpeg. A decode failure is
 * `INVALID_INPUT` with ffmpeg's message; a missing ffmpeg is `BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const info = await probeVideo('clip.mp4');
 * for await (const frame of decodeVideoFrames('clip.mp4', info)) await detector.runForVideo(frame.image, frame.timestampMs);
 * ```
 */
export async function* decodeVideoFrames(path: string, options: DecodeOptions): AsyncGenerator<VideoFrameData> {
  const input = await logSafeVideoPath(path); // ffmpeg prints the name on the log the frame times are read from
  try {
    yield* decodeFrames(input.path, options);
  } finally {
    await input.release();
  }
}

/** {@link decodeVideoFrames} of a path whose name ffmpeg prints on one log line. */
async function* decodeFrames(path: string, options: DecodeOptions): AsyncGenerator<VideoFrameData> {
  const { width, height, sampleFps } = options;
  const limit = effectiveMaxPixels({ maxPixels: options.maxPixels });
  checkImageSize(width, height, 'each frame of this video', limit);
  // The decoder checks a frame's width rounded up to its alignment (up to 64): a frame of the
  // probed size, in either orientation, must pass.
  const aligned = Math.max(Math.ceil(width / 64) * 64 * height, Math.ceil(height / 64) * 64 * width);
  const maxPixels = Number.isFinite(limit) ? ['-max_pixels', String(Math.min(FFMPEG_MAX_PIXELS, Math.max(limit, aligned)))] : [];
  // Without resampling, frames go out as decoded (passthrough): ffmpeg's default for raw video
  // repeats frames to a constant rate, so a file declaring 30000 fps, or two frames an hour
  // apart, gave millions of copies. round=up: each resampled frame is the frame being shown at
  // its time, and a clip shorter than half a sample interval (a low --fps) still gives its first
  // frame. scale: the stream may hold frames of another size than its header says (or than a
  // rotation tag made of it); every frame comes out at the probed size, never cut into garbage.
  // showinfo: each frame's time, on the log.
  const resample = sampleFps === undefined ? [] : [`fps=fps=${sampleFps}:round=up`];
  const filters = ['-vf', [...resample, `scale=${width}:${height}`, 'showinfo=checksum=0'].join(','), '-fps_mode', 'passthrough'];
  // the stream probed: ffmpeg's own pick (the largest) may be another, whose bytes would be cut into frames of the wrong size
  const map = options.stream === undefined ? [] : ['-map', `0:${options.stream}`];
  const args = ['-hide_banner', '-nostats', '-loglevel', 'level+info', '-nostdin', ...maxPixels, ...ffmpegVideoInput(path), ...map, ...filters, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const child = spawn(findFfmpegTool('ffmpeg'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new DecodeLog();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => log.push(text));
  child.stderr.on('end', () => log.end());
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => undefined); // awaited below; stopping early must not leave it unhandled
  const step = Number.isFinite(options.fps) && options.fps > 0 ? 1000 / options.fps : 40;
  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  let origin: FrameTime | undefined;
  let last: number | undefined;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled < frameBytes) continue;
        filled = 0;
        const time = await nextTime(log);
        if (log.overLimit) throw overLimitError(log.overLimit, limit);
        let timestampMs = time?.pts === undefined ? Number.NaN : msBetween((origin ??= time), time);
        // a frame without a time (or with none that makes sense) comes a frame after the last
        if (!Number.isFinite(timestampMs)) timestampMs = last === undefined ? 0 : last + step;
        if (last === undefined || timestampMs > last) {
          last = timestampMs;
          yield { image: { data: frame, width, height, channels: 3 }, index, timestampMs };
          frame = new Uint8Array(frameBytes);
        }
        index++;
      }
    }
    const code = await exited;
    if (log.overLimit) throw overLimitError(log.overLimit, limit);
    if (code !== 0) throw new VisionError('INVALID_INPUT', `ffmpeg could not decode the video (exit ${String(code)}): ${log.errors.trim() || 'no message'}`);
    finished = true;
    const lastMessage = log.errors.trim().split('\n').pop();
    if (lastMessage) options.onDecodeErrors?.(lastMessage);
  } finally {
    if (!finished) child.kill('SIGKILL');
  }
}
