import { basename } from 'node:path';
import { VisionError } from '../../core/errors';
import { writeAnnotated } from '../annotate';
import { decodeImageFile } from '../node-platform';
import { imagesOnlyError, isVideoFile } from '../video/video-files';
import type { InputFailure } from './inputs';
import { outputNames } from './output-names';
import { createProgress } from './progress';
import type { CliTask } from './task-types';
import { runVideo } from './video-run';

/**
 * One JSON entry of `--json` output: the image and its result (with `output`, the annotated
 * file, under `--out`), a finished video, or the input and its error — keyed `video` for a
 * video file (as its frame and finished lines are), `image` for anything else.
 *
 * @example
 * ```ts
 * const entries = JSON.parse(stdout) as JsonEntry[];
 * ```
 */
export type JsonEntry =
  | { image: string; result: unknown; output?: string }
  | { video: string; frames: number; output?: string }
  | { image: string; error: { code: string; message: string } }
  | { video: string; error: { code: string; message: string } };

/**
 * How a batch prints: `print` for stdout lines, `printError` for stderr, `json` for JSON
 * instead of tables; `out` is the folder for annotated files, `every`/`fps` subsample videos.
 *
 * @example
 * ```ts
 * const io: BatchIO = { print: console.log, printError: console.error, json: false };
 * ```
 */
export interface BatchIO {
  print: (line: string) => void;
  printError: (line: string) => void;
  json: boolean;
  out?: string;
  every?: number;
  fps?: number;
}

function failureOf(image: string, error: unknown): InputFailure {
  const code = error instanceof VisionError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'ERROR');
  return { image, code, message: (error as Error).message ?? String(error) };
}

/**
 * The JSON entry of a failed input: keyed like the input's other entries (`video` for a video file).
 *
 * @example
 * ```ts
 * errorEntry({ image: 'a.jpg', code: 'INVALID_INPUT', message: 'no such file' }); // { image: 'a.jpg', error: { code, message } }
 * ```
 */
export function errorEntry(f: InputFailure): JsonEntry {
  const error = { code: f.code, message: f.message };
  return isVideoFile(f.image) ? { video: f.image, error } : { image: f.image, error };
}

const describe = (f: InputFailure): string => `visionpipe: ${f.image}: ${f.message} [${f.code}]`;

async function runImage(task: CliTask, image: string, io: BatchIO, name: string): Promise<{ lines: string[]; entry: JsonEntry }> {
  // Read and decode once: the annotated copy is drawn on the very pixels analysed (a pipe such as
  // /dev/stdin cannot be read twice, and a file may change in between).
  const pixels = await decodeImageFile(image);
  const analysis = await task.analyse(pixels);
  try {
    const { draw } = analysis;
    const output = io.out && draw ? await writeAnnotated(image, { outDir: io.out, name, pixels }, task.suffix, draw) : undefined;
    const lines = [`${image}: ${analysis.summary}`, ...analysis.rows, ...(output ? [`  → ${output}`] : [])];
    return { lines, entry: { image, result: analysis.result, ...(output ? { output } : {}) } };
  } finally {
    analysis.release?.();
  }
}

/**
 * Runs a task over every file, whatever fails: images one by one, videos frame by frame
 * (see `runVideo`). Failures (including `earlier` ones from input expansion) are reported on
 * stderr and in the JSON output, and the run goes on. `--json` prints one array at the end,
 * or — when a video is among the inputs — JSON lines as results come (images, video frames,
 * a `{ video, frames, output }` line per finished video, errors). Returns the exit code: 0
 * when every input worked, 1 otherwise.
 *
 * @example
 * ```ts
 * process.exitCode = await runBatch(task, files, failures, { print: console.log, printError: console.error, json: false });
 * ```
 */
export async function runBatch(task: CliTask, files: readonly string[], earlier: readonly InputFailure[], io: BatchIO): Promise<number> {
  const lines = io.json && files.some(isVideoFile);
  const entries: JsonEntry[] = [];
  const emit = (entry: JsonEntry): void => (lines ? io.print(JSON.stringify(entry)) : void entries.push(entry));
  // the arguments that named nothing, in their places among the files (JSON keeps argument order)
  const emitEarlier = (before: number): void => {
    for (const f of earlier) if ((f.position ?? 0) === before) emit(errorEntry(f));
  };
  const failures = [...earlier];
  const names = outputNames(files, io.out ?? '.', task.suffix, task.reads).map((o) => o.name);
  earlier.forEach((f) => io.printError(describe(f)));
  if ((io.every !== undefined || io.fps !== undefined) && files.length > 0 && !files.some(isVideoFile)) {
    io.printError(`visionpipe: ${io.every !== undefined ? '--every' : '--fps'} subsamples videos; none of the inputs is one, so it changes nothing`);
  }
  const late: InputFailure[] = [];
  const progress = files.some(isVideoFile) ? createProgress(0) : createProgress(files.length);
  for (const [i, file] of files.entries()) {
    emitEarlier(i);
    try {
      if (isVideoFile(file)) {
        if (!task.takesVideo) throw imagesOnlyError();
        const warn = (line: string): void => io.printError(`visionpipe: ${file}: ${line}`);
        const report = await runVideo(task, file, { print: io.print, json: io.json, out: io.out, name: names[i], every: io.every, fps: io.fps, warn });
        if (io.json) emit({ video: file, frames: report.frames, ...(report.output ? { output: report.output } : {}) });
        else io.print(`${file}: ${report.frames} ${report.frames === 1 ? 'frame' : 'frames'}${report.output ? ` → ${report.output}` : ''}`);
      } else {
        const report = await runImage(task, file, io, names[i]);
        emit(report.entry);
        if (!io.json) {
          progress.beforePrint();
          report.lines.forEach((line) => io.print(line));
        }
      }
    } catch (error) {
      const failure = failureOf(file, error);
      failures.push(failure);
      late.push(failure);
      emit(errorEntry(failure));
      if (!progress.active) io.printError(describe(failure));
    }
    progress.tick(basename(file));
  }
  emitEarlier(files.length);
  progress.stop();
  if (io.json && !lines) io.print(JSON.stringify(entries, null, 2));
  if (failures.length === 0) return 0;
  if (progress.active) late.forEach((f) => io.printError(describe(f)));
  const total = files.length + earlier.length;
  io.printError(`visionpipe: ${failures.length} of ${total} input${total === 1 ? '' : 's'} failed`);
  return 1;
}
