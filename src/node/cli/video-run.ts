import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VisionError } from '../../core/errors';
import { createFrameAnnotator } from '../annotate-frame';
import { decodeVideoFrames, frameNumberAt } from '../video/decode';
import { VideoWriter } from '../video/encode';
import { probeVideo } from '../video/probe';
import { createProgress } from './progress';
import type { CliTask } from './task-types';

/**
 * How a video is run: where lines go (`print`; `json` for JSON lines), the annotated video's
 * folder and name stem, and the subsampling (`every` n-th frame, or `fps` frames a second).
 *
 * @example
 * ```ts
 * const options: VideoRunOptions = { print: console.log, json: false, out: 'out', name: 'clip', every: 5 };
 * ```
 */
export interface VideoRunOptions {
  print: (line: string) => void;
  json: boolean;
  out?: string;
  name: string;
  every?: number;
  fps?: number;
  /** Where a warning goes (a damaged video: ffmpeg reported errors but decoded frames). */
  warn?: (line: string) => void;
}

/**
 * What a video run did: frames analysed and the annotated video written (with `out`).
 *
 * @example
 * ```ts
 * const { frames, output } = await runVideo(task, 'clip.mp4', options);
 * ```
 */
export interface VideoReport {
  frames: number;
  output?: string;
}

/**
 * Runs a task over a video in its video mode (detection tracks objects, pose tracks and
 * smooths people): frames are decoded by ffmpeg and analysed one at a time with their
 * timestamps, each printed as it comes (a table block, or one JSON line
 * `{ video, frame, timestampMs, result }`); with `out`, annotated frames are streamed into
 * `<out>/<name>.<suffix>.mp4` (H.264) at the sampled rate. Nothing but the current frame is
 * held in memory. A video that gives no frame is `INVALID_INPUT`; a failed or interrupted
 * (Ctrl-C) run leaves no partial video behind, and an earlier video of that name stays as it
 * was; a damaged video is analysed as far as it decodes, and `warn` says so. An `fps` above the
 * video's own rate analyses each frame once (with a warning), not the same frames repeatedly.
 *
 * @example
 * ```ts
 * const { frames } = await runVideo(task, 'walk.mp4', { print: console.log, json: true, name: 'walk', every: 3 });
 * ```
 */
export async function runVideo(task: CliTask, video: string, options: VideoRunOptions): Promise<VideoReport> {
  const info = await probeVideo(video);
  const every = options.every ?? 1;
  // resampling above the video's rate would analyse the same frames several times
  const sampleFps = options.fps !== undefined && options.fps < info.fps ? options.fps : undefined;
  if (options.fps !== undefined && options.fps > info.fps) options.warn?.(`--fps ${options.fps} is above the video's ${Number(info.fps.toFixed(3))} frames a second: every frame is analysed once`);
  const rate = sampleFps ?? info.fps;
  const expected = sampleFps && info.durationS ? Math.floor(info.durationS * sampleFps) : info.frames;
  const progress = createProgress(expected === undefined ? 0 : Math.ceil(expected / every), { unit: 'frames' });
  const output = options.out ? join(options.out, `${options.name}.${task.suffix}.mp4`) : undefined;
  let writer: VideoWriter | undefined;
  const annotator = output ? await createFrameAnnotator(info.width, info.height) : undefined;
  if (output && options.out) {
    await mkdir(options.out, { recursive: true });
    writer = VideoWriter.open({ path: output, width: info.width, height: info.height, fps: rate / every });
  }
  task.reset();
  let frames = 0;
  let decoded = 0;
  let damage: string | undefined;
  const decodeOptions = { width: info.width, height: info.height, fps: info.fps, stream: info.stream, sampleFps, onDecodeErrors: (m: string) => (damage = m) };
  try {
    for await (const frame of decodeVideoFrames(video, decodeOptions)) {
      decoded = frame.index + 1;
      if (frame.index % every !== 0) continue;
      // the frame's number in the video, whether it was picked by --every or resampled by --fps
      const number = sampleFps ? frameNumberAt(frame.timestampMs, info.fps) : frame.index;
      const analysis = await task.analyse(frame.image, frame.timestampMs);
      try {
        if (options.json) options.print(JSON.stringify({ video, frame: number, timestampMs: frame.timestampMs, result: analysis.result }));
        else {
          progress.beforePrint();
          options.print(`${video} frame ${number} (${(frame.timestampMs / 1000).toFixed(2)} s): ${analysis.summary}`);
          analysis.rows.forEach((row) => options.print(row));
        }
        if (writer && annotator) await writer.write(annotator.annotate(frame.image, analysis.draw));
      } finally {
        analysis.release?.();
      }
      frames++;
      progress.tick(`frame ${number}`);
    }
    if (frames === 0) throw new VisionError('INVALID_INPUT', `ffmpeg decoded no frames from this video (an empty or damaged video stream)${damage ? `: ${damage}` : ''}`);
    await writer?.close();
    if (damage) options.warn?.(`ffmpeg reported errors while decoding (a damaged or cut-short video?); the ${decoded} frames it decoded were used: ${damage}`);
  } catch (error) {
    await writer?.abort();
    throw error;
  } finally {
    progress.stop();
  }
  return { frames, output };
}
