import { SingleBar } from 'cli-progress';
import { onInterrupt } from '../interrupt-cleanup';

/**
 * A progress bar over the images of a run, or a no-op when it should not show.
 *
 * @example
 * ```ts
 * const progress = createProgress(files.length, { unit: 'images' });
 * progress.beforePrint(); console.log(lines); progress.tick('a.jpg');
 * progress.stop();
 * ```
 */
export interface Progress {
  /** Whether a bar is drawn. */
  readonly active: boolean;
  /** Clears the bar's line before printing to a terminal (the next tick redraws it). */
  beforePrint(): void;
  /** One more image done. */
  tick(file: string): void;
  stop(): void;
}

/**
 * Where and when {@link createProgress} draws: the bar goes to `stream` (default stderr) and
 * only when it is a TTY; `stdoutIsTTY` says whether result lines share that terminal.
 *
 * @example
 * ```ts
 * const options: ProgressOptions = { stream: process.stderr, stdoutIsTTY: process.stdout.isTTY };
 * ```
 */
export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  stdoutIsTTY?: boolean;
  /** What is counted (default `images`; `frames` for videos, `embeddings` for training). */
  unit?: string;
}

const NO_PROGRESS: Progress = { active: false, beforePrint() {}, tick() {}, stop() {} };

/**
 * Starts a progress bar (`cli-progress`) on stderr for runs of more than one item. It is
 * off when stderr is not a terminal (pipes, CI logs, tests), so stdout — tables or `--json`
 * — is never touched by it; when stdout is the same terminal, the bar's line is cleared
 * before result lines are printed.
 *
 * @example
 * ```ts
 * const progress = createProgress(files.length);
 * for (const f of files) { await work(f); progress.tick(f); }
 * progress.stop();
 * ```
 */
export function createProgress(total: number, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (total < 2 || !stream.isTTY) return NO_PROGRESS;
  const bar = new SingleBar({
    stream,
    format: `visionpipe [{bar}] {value}/{total} ${options.unit ?? 'images'} | {eta_formatted} left | {file}`,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 5,
  });
  bar.start(total, 0, { file: '' });
  // the bar hides the cursor: a Ctrl-C shows it again (the shell had none left)
  const forgetInterrupt = onInterrupt(() => bar.stop());
  const sharesTerminal = options.stdoutIsTTY ?? process.stdout.isTTY === true;
  return {
    active: true,
    beforePrint() {
      if (sharesTerminal) stream.write('\r\x1b[2K');
    },
    tick(file) {
      // The bar restores the cursor it saved at start when it stops: re-save it below the printed lines.
      if (sharesTerminal) stream.write('\x1b7');
      bar.increment(1, { file });
    },
    stop() {
      forgetInterrupt();
      bar.stop();
    },
  };
}
