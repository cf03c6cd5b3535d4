import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import type { ModelSpec } from '../../models/model-spec';
import type { ModelRunner } from '../../runtime/model-runner';
import { OnnxRunner } from '../../runtime/onnx-runner';
import { TfjsRunner } from '../../runtime/tfjs-runner';

/**
 * Checks a card's `outputs` against the model it was loaded with, at creation rather than at the
 * first run: `outputs` must be a list of names, and every name one the model can return (one of
 * its outputs, or for a tfjs graph model an internal node). Only tfjs and onnxruntime runners
 * are checked, as only they know their real output names; feature extractors are left to their
 * own check (their `outputs` may name layers). `INVALID_OPTION` naming the unknown outputs and
 * listing the model's outputs otherwise.
 *
 * @example
 * ```ts
 * checkCardOutputs({ ...card, outputs: ['nope'] }, runner); // throws: … has no output 'nope'; its outputs are: Identity
 * ```
 */
export function checkCardOutputs(spec: ModelSpec, runner: ModelRunner): void {
  const names: unknown = spec.outputs;
  if (names === undefined || spec.task === 'image-feature-extraction') return;
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': outputs is ${shownValue(names)}; it must be a list of the model's output names`);
  }
  if (!(runner instanceof TfjsRunner || runner instanceof OnnxRunner)) return;
  const unknown = runner.unknownOutputs(names as string[]);
  if (unknown.length === 0) return;
  const graph = runner.runtime === 'tfjs' ? ' (a tfjs graph model also takes the names of its internal nodes)' : '';
  throw new VisionError(
    'INVALID_OPTION',
    `model '${spec.id}' has no output ${unknown.map((n) => `'${n}'`).join(', ')} named in its card's outputs; its outputs are: ${runner.outputs.map((o) => o.name).join(', ') || 'none'}${graph}`,
  );
}
