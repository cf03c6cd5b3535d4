import { basename } from 'node:path';
import { VisionError, describeError } from '../../core/errors';
import { refuseVideo } from '../video/video-files';
import { createProgress } from './progress';

/**
 * What {@link embedEach} gives back: each file's value where its work succeeded (in input
 * order) and how many failed.
 *
 * @example
 * ```ts
 * const { done, failed } = await embedEach(files, (file) => pipeline.run(file), console.error);
 * ```
 */
export interface EachResult<T> {
  done: { file: string; value: T }[];
  failed: number;
}

/**
 * Runs `work` on each file in turn — the embeddings of `embed` and `map` — with a progress bar
 * on stderr when it is a terminal and there are several files. A video file is refused
 * ((`imagesOnlyError`) without running `work`. A file whose work fails (or a video) is
 * reported (`visionpipe: <file>: <message> [CODE]`) and skipped; while a bar is drawn the
 * reports wait until it is gone, so they are not drawn over.
 *
 * @example
 * ```ts
 * const { done, failed } = await embedEach(files, async (file) => (await pipeline.run(file)).embedding, printError);
 * ```
 */
export async function embedEach<T>(files: readonly string[], work: (file: string) => Promise<T>, printError: (line: string) => void): Promise<EachResult<T>> {
  const progress = createProgress(files.length);
  const done: { file: string; value: T }[] = [];
  const reports: string[] = [];
  try {
    for (const file of files) {
      try {
        refuseVideo(file);
        done.push({ file, value: await work(file) });
      } catch (error) {
        const report = `visionpipe: ${file}: ${describeError(error)}${error instanceof VisionError ? ` [${error.code}]` : ''}`;
        if (progress.active) reports.push(report);
        else printError(report);
      }
      progress.tick(basename(file));
    }
  } finally {
    progress.stop();
    reports.forEach((line) => printError(line));
  }
  return { done, failed: files.length - done.length };
}
