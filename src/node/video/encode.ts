import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { VisionError } from '../../core/errors';
import { ffmpegFileArg, findFfmpegTool } from './ffmpeg-binary';

/**
 * Settings of a {@link VideoWriter}: the output file, frame size and rate.
 *
 * @example
 * ```ts
 * const options: VideoWriterOptions = { path: 'out/clip.annotated.mp4', width: 640, height: 480, fps: 30 };
 * ```
 */
export interface VideoWriterOptions {
  path: string;
  width: number;
  height: number;
  fps: number;
}

/**
 * Encodes RGBA frames into a video with an `ffmpeg` child process, frame by frame (nothing
 * is buffered beyond the pipe: `write` waits while ffmpeg catches up). `.mp4`/`.mov`/`.mkv`
 * get H.264 (libx264, yuv420p), `.webm` VP9. Call {@link VideoWriter.close} to finish the
 * file, or {@link VideoWriter.abort} to drop it (a new file's unplayable part is deleted).
 *
 * @example
 * ```ts
 * const writer = VideoWriter.open({ path: 'out.mp4', width: 640, height: 480, fps: 30 });
 * await writer.write(rgbaPixels);
 * await writer.close();
 * ```
 */
export class VideoWriter {
  private stderr = '';
  private readonly exited: Promise<number | null>;
  private frames = 0;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, null, Readable>,
    private readonly options: VideoWriterOptions,
    /** Whether the output file is new (made by this writer). */
    private readonly created: boolean,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    this.exited.catch(() => undefined); // awaited by close(); an aborted writer must not leave it unhandled
    // Write errors (EPIPE when ffmpeg dies) surface through close()'s exit code.
    child.stdin.on('error', () => {});
  }

  /** Starts ffmpeg for `options.path` (overwritten when it exists). */
  static open(options: VideoWriterOptions): VideoWriter {
    const codec = options.path.toLowerCase().endsWith('.webm') ? ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '32'] : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23'];
    const args = [
      '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${options.width}x${options.height}`, '-framerate', String(options.fps), '-i', 'pipe:0',
      ...codec, '-pix_fmt', 'yuv420p', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', ffmpegFileArg(options.path),
    ];
    const created = !existsSync(options.path);
    return new VideoWriter(spawn(findFfmpegTool('ffmpeg'), args, { stdio: ['pipe', 'ignore', 'pipe'] }), options, created);
  }

  /** Frames written so far. */
  get frameCount(): number {
    return this.frames;
  }

  /** Appends one frame: RGBA bytes, `width × height × 4`. */
  async write(rgba: Uint8Array | Uint8ClampedArray): Promise<void> {
    const { width, height } = this.options;
    if (rgba.length !== width * height * 4) throw new VisionError('INVALID_INPUT', `frame has ${rgba.length} bytes; ${width}×${height} RGBA needs ${width * height * 4}`);
    const stdin = this.child.stdin;
    if (stdin.destroyed || !stdin.writable) {
      // ffmpeg has gone: what it said is complete once its streams close
      const code = await this.exited.catch(() => undefined);
      throw new VisionError('INFERENCE_FAILED', `ffmpeg stopped encoding ${this.options.path} (exit ${String(code)}): ${this.stderr.trim() || 'no message'}`);
    }
    this.frames++;
    if (!stdin.write(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength))) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          stdin.off('drain', done);
          stdin.off('close', done);
          resolve();
        };
        stdin.once('drain', done);
        stdin.once('close', done);
      });
    }
  }

  /** Ends the stream and waits for ffmpeg to finish the file; a failed encode is `INFERENCE_FAILED`. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw new VisionError('INFERENCE_FAILED', `ffmpeg could not encode ${this.options.path} (exit ${String(code)}): ${this.stderr.trim() || 'no message'}`);
  }

  /**
   * Stops ffmpeg without finishing the file and deletes the unplayable part it wrote, when the
   * file is this writer's own (a file that was there before it opened is left alone).
   */
  async abort(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
    if (this.created) await unlink(this.options.path).catch(() => undefined);
  }
}
