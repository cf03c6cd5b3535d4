import { VisionError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import type { ModelRunner } from '../../runtime/model-runner';

/** Output names that hold the main per-pixel class map in common exports: torchvision's segmentation models (`out`, beside `aux`) and Hugging Face's (`logits`). */
const MAIN_MAP_NAMES = ['out', 'logits'];

/**
 * The card a segmentation pipeline reads its class map with. A card that names its `outputs`,
 * or a model with one output, is kept as it is. A model with several outputs and a card that
 * names none (torchvision's DeepLabV3 and FCN export `out` and `aux`, in either order) gets the
 * output called `out` or `logits`; with neither, reading one by position would be a guess, so
 * it is `INVALID_OPTION` listing the outputs and saying to name one in the card's `outputs`.
 *
 * @example
 * ```ts
 * const card = withMapOutput(spec, runner, 'image-segmentation'); // { ...spec, outputs: ['out'] } for a DeepLabV3 export
 * ```
 */
export function withMapOutput(spec: ModelSpec, runner: ModelRunner, task: string): ModelSpec {
  if ((spec.outputs?.length ?? 0) > 0 || runner.outputs.length <= 1) return spec;
  const names = runner.outputs.map((o) => o.name);
  const main = MAIN_MAP_NAMES.find((name) => names.includes(name));
  if (main) return { ...spec, outputs: [main] };
  throw new VisionError(
    'INVALID_OPTION',
    `model '${spec.id}' has ${names.length} outputs (${names.join(', ')}) and its card names none; ${task} reads one class map: name it in the card's outputs, e.g. outputs: ['${names[0]}']`,
  );
}
