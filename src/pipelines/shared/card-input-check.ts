import type { InputSpec, Normalization } from '../../core/card-types';
import { VisionError } from '../../core/errors';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { optionNames, unknownNames } from '../../core/known-options';
import { normalizationAffine } from '../../preprocess/normalize';
import { resamplingProblem } from '../../preprocess/prepare';

/** The values each enumerated field of a card's `input` may take (absent takes the default). */
const CHOICES = {
  fit: ['stretch', 'letterbox', 'center-crop'],
  interpolation: ['bilinear', 'nearest'],
  channelOrder: ['rgb', 'bgr'],
  layout: ['nhwc', 'nchw'],
  dtype: ['float32', 'int32'],
} as const satisfies { [K in keyof InputSpec]?: readonly InputSpec[K][] };

/** Every field an `input` may have: another (a misspelt `normalisation`) was passed over, and the model ran unnormalised. */
const INPUT_FIELDS = /* @__PURE__ */ optionNames<InputSpec>()(['width', 'height', 'fit', 'cropFraction', 'antialias', 'interpolation', 'channelOrder', 'padValue', 'normalization', 'layout', 'dtype']);

/** Largest model input side a card may declare. */
const MAX_SIDE = 16384;

function refuse(id: string, message: string): never {
  throw new VisionError('INVALID_OPTION', `model '${id}': ${message}`);
}

/**
 * Checks the `input` of a model card before anything is loaded: no field it does not know (a
 * misspelt `normalisation`), `width`/`height` whole numbers
 * in [1, 16384], `fit`, `interpolation`, `channelOrder`, `layout` and `dtype` one of their
 * allowed values, `cropFraction` and `antialias` as {@link resamplingProblem} says, `padValue` a number in [0, 255], and `normalization` a preset or
 * `{ scale, mean, std }` of finite numbers (std magnitude ≥ 1e-6). `INVALID_OPTION` naming the
 * model, the field and what is allowed otherwise.
 *
 * @example
 * ```ts
 * checkCardInput(spec.id, spec.input); // throws for { normalization: { mean: ['a', 'b', 'c'] } }
 * ```
 */
export function checkCardInput(id: string, input: unknown): void {
  if (!isOptionsObject(input)) refuse(id, `input is ${shownValue(input)}; it must be an object { width, height, … }`);
  const unknown = unknownNames(input, INPUT_FIELDS);
  if (unknown.length > 0) refuse(id, `input has unknown field(s) ${unknown.join(', ')}; allowed: ${INPUT_FIELDS.join(', ')}`);
  for (const side of ['width', 'height'] as const) {
    const value = input[side];
    if (!(typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_SIDE)) {
      refuse(id, `input.${side} is ${shownValue(value)}; it must be an integer in [1, ${MAX_SIDE}]`);
    }
  }
  for (const [field, allowed] of Object.entries(CHOICES)) {
    const value = input[field];
    if (value !== undefined && !(allowed as readonly unknown[]).includes(value)) {
      refuse(id, `input.${field} is ${shownValue(value)}; allowed: ${allowed.map((a) => `'${a}'`).join(', ')}`);
    }
  }
  const problem = resamplingProblem(input as { width: number; height: number });
  if (problem) refuse(id, `input.${problem}`);
  const pad = input.padValue;
  if (pad !== undefined && !(typeof pad === 'number' && pad >= 0 && pad <= 255)) refuse(id, `input.padValue is ${shownValue(pad)}; it must be a number in [0, 255]`);
  if (input.normalization === undefined) return;
  try {
    normalizationAffine(input.normalization as Normalization);
  } catch (error) {
    refuse(id, `input: ${(error as Error).message}`);
  }
}
