import { spawn } from 'node:child_process';
import { VisionError } from '../../core/errors';
import type { RawImage } from '../../core/image-input';
import { ffmpegVideoInput, findFfmpegTool } from './ffmpeg-binary';

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
  fps: number;
  /** Resample to this many frames per second. */
  sampleFps?: number;
  /** The index of the stream to decode (`probeVideo`'s `stream`); default: ffmpeg's own pick. */
  stream?: number;
  /**
   * Called once, after the last frame, when ffmpeg decoded the video but reported errors (a
   * damaged or cut-short file: the frames before the damage still come), with its last message.
   */
  onDecodeErrors?: (message: string) => void;
}

const STDERR_TAIL = 2000;

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
 * `rgb24`, piped) at a constant rate — `sampleFps`, else `fps` (the average rate, so a
 * variable-frame-rate video gives each frame the time it is shown at) — frame `i` at
 * `i × 1000 / rate` ms from the first frame: one frame in memory at a time, with
 * backpressure (ffmpeg pauses while the consumer works). Stopping early kills ffmpeg. A decode failure is `INVALID_INPUT` with
 * ffmpeg's message; a missing ffmpeg is `BACKEND_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const info = await probeVideo('clip.mp4');
 * for await (const frame of decodeVideoFrames('clip.mp4', info)) await detector.runForVideo(frame.image, frame.timestampMs);
 * ```
 */
export async function* decodeVideoFrames(path: string, options: DecodeOptions): AsyncGenerator<VideoFrameData> {
  const { width, height } = options;
  const rate = options.sampleFps ?? options.fps;
  // Always resample to `rate` frames a second, so that frame i is at i / rate: left alone, ffmpeg
  // writes raw video at the stream's r_frame_rate, which differs from the average rate in
  // variable-frame-rate (phone) videos. round=up: each output frame is the frame being shown at
  // its time (the last one that started by then), and a clip shorter than half a sample
  // interval (a low --fps) still gives its first frame (round=near gave none).
  const filters = ['-vf', `fps=fps=${rate}:round=up`];
  // the stream probed: ffmpeg's own pick (the largest) may be another, whose bytes would be cut into frames of the wrong size
  const map = options.stream === undefined ? [] : ['-map', `0:${options.stream}`];
  const child = spawn(findFfmpegTool('ffmpeg'), ['-v', 'error', '-nostdin', ...ffmpegVideoInput(path), ...map, ...filters, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_TAIL)));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  exited.catch(() => undefined); // awaited below; stopping early must not leave it unhandled
  const frameBytes = width * height * 3;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  let index = 0;
  let finished = false;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - offset);
        frame.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === frameBytes) {
          yield { image: { data: frame, width, height, channels: 3 }, index, timestampMs: (index * 1000) / rate };
          index++;
          frame = new Uint8Array(frameBytes);
          filled = 0;
        }
      }
    }
    const code = await exited;
    if (code !== 0) throw new VisionError('INVALID_INPUT', `ffmpeg could not decode the video (exit ${String(code)}): ${stderr.trim() || 'no message'}`);
    finished = true;
    const lastMessage = stderr.trim().split('\n').pop();
    if (lastMessage) options.onDecodeErrors?.(lastMessage);
  } finally {
    if (!finished) child.kill('SIGKILL');
  }
}
