import { pipeline } from '../../pipeline';
import { drawCaption } from '../../render/caption';
import { selectTfjsBackend } from '../../runtime/tfjs-backend';
import { loadCaptionFolder } from './caption-model';
import type { CliTask, TaskSettings } from './task-types';

const ms = (t: number): string => `${t.toFixed(0)} ms`;

/**
 * The `caption` command's task: loads the captioning model named by `--model` (see
 * `loadCaptionFolder`) and captions images (`--max-tokens`, `--beams`); with several beams
 * the other candidates are listed with their scores.
 *
 * @example
 * ```ts
 * const task = await createCaptionTask({ model: 'models/captioner', beams: 3 });
 * const { summary } = await task.analyse('photo.jpg');
 * ```
 */
export async function createCaptionTask(s: TaskSettings): Promise<CliTask> {
  // Image preparation (and trained captioners) run on tfjs: pick its backend as the other commands do.
  await selectTfjsBackend({ backend: s.backend });
  const folder = await loadCaptionFolder(typeof s.model === 'string' ? s.model : undefined);
  let p;
  try {
    p = await pipeline('image-to-text', { ...folder.options, backend: s.backend, maxTokens: s.maxTokens, numBeams: s.beams });
  } catch (error) {
    folder.dispose();
    throw error;
  }
  const captioner = p;
  return {
    backend: captioner.runner.backend,
    suffix: 'caption',
    takesVideo: false,
    async analyse(input) {
      const result = await captioner.run(input);
      const rows = (result.candidates ?? []).map((c, i) => `  ${i + 1}. ${c.score.toFixed(3)}  ${c.text}`);
      return {
        summary: `"${result.text}" (${ms(result.timing.total)}, ${captioner.runner.backend})`,
        rows,
        result,
        draw: (ctx) => void drawCaption(ctx, result.text),
      };
    },
    reset() {},
    dispose() {
      captioner.dispose();
      folder.dispose();
    },
  };
}
