import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { onInterrupt } from '../interrupt-cleanup';
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
 * get H.264 (libx264, yuv420p), `.webm` VP9. The video is written to a temporary file beside
 * `path` and renamed onto it by {@link VideoWriter.close}, so `path` is only ever a whole
 * video (an earlier one stays until the new one is finished); {@link VideoWriter.abort} — or
 * Ctrl-C (SIGINT / SIGTERM) while the writer is open — stops ffmpeg and deletes the
 * temporary file.
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
  private readonly forgetInterrupt: () => void;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, null, Readable>,
    private readonly options: VideoWriterOptions,
    /** Where ffmpeg writes until the video is finished. */
    private readonly partPath: string,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-2000)));
    this.exited = new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    this.exited.catch(() => undefined); // awaited by close(); an aborted writer must not leave it unhandled
    // Write errors (EPIPE when ffmpeg dies) surface through close()'s exit code.
    child.stdin.on('error', () => {});
    this.forgetInterrupt = onInterrupt(() => {
      child.kill('SIGKILL');
      rmSync(partPath, { force: true });
    });
  }

  /** Starts ffmpeg writing a temporary file beside `options.path` (which {@link VideoWriter.close} replaces). */
  static open(options: VideoWriterOptions): VideoWriter {
    const codec = options.path.toLowerCase().endsWith('.webm') ? ['-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '32'] : ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23'];
    // same folder (the rename stays on one file system), same extension (ffmpeg picks the container by it)
    if (statSync(options.path, { throwIfNoEntry: false })?.isDirectory()) throw new VisionError('INFERENCE_FAILED', `cannot write the video ${options.path}: it is a directory`);
    // a short name of its own: the video's name with a suffix could pass the 255 bytes a file name may have
    const partPath = join(dirname(options.path), `.visionpipe-${randomBytes(6).toString('hex')}.part${extname(options.path)}`);
    const args = [
      '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgba', '-s', `${options.width}x${options.height}`, '-framerate', String(options.fps), '-i', 'pipe:0',
      ...codec, '-pix_fmt', 'yuv420p', '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', ffmpegFileArg(partPath),
    ];
    return new VideoWriter(spawn(findFfmpegTool('ffmpeg'), args, { stdio: ['pipe', 'ignore', 'pipe'] }), options, partPath);
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

  /** Ends the stream, waits for ffmpeg to finish the video and moves it onto `path`; a failed encode (or move) is `INFERENCE_FAILED`, with nothing left behind. */
  async close(): Promise<void> {
    this.child.stdin.end();
    try {
      const code = await this.exited;
      if (code !== 0) throw new VisionError('INFERENCE_FAILED', `ffmpeg could not encode ${this.options.path} (exit ${String(code)}): ${this.stderr.trim() || 'no message'}`);
      await rename(this.partPath, this.options.path).catch((error: NodeJS.ErrnoException) => {
        throw new VisionError('INFERENCE_FAILED', `could not put the finished video at ${this.options.path}: ${error.code === 'EISDIR' ? 'it is a directory' : error.message}`);
      });
    } catch (error) {
      await rm(this.partPath, { force: true }).catch(() => undefined);
      throw error;
    } finally {
      this.forgetInterrupt();
    }
  }

  /** Stops ffmpeg without finishing the video and deletes its temporary file; `path` is left as it was. */
  async abort(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
    await rm(this.partPath, { force: true }).catch(() => undefined);
    this.forgetInterrupt();
  }
}
