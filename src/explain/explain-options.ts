import { VisionError } from '../core/errors';
import { knownOptions } from '../core/known-options';
import { shownData, shownValue } from '../core/shown-value';
import type { ExplainMethod, ExplainOptions } from './explain-types';

const METHODS: readonly ExplainMethod[] = ['occlusion', 'gradients', 'smoothgrad', 'grad-cam'];

/** Every option {@link checkExplainOptions} takes. */
const EXPLAIN_OPTION_NAMES = ['method', 'classId', 'target', 'iouThreshold', 'patchSize', 'stride', 'fill', 'batchSize', 'samples', 'sigma', 'seed', 'layer', 'signal', 'onProgress'];

/** The options only one method uses, by method (the others are for every method). */
const METHOD_OPTIONS: Readonly<Record<ExplainMethod, readonly (keyof ExplainOptions)[]>> = {
  occlusion: ['patchSize', 'stride', 'fill', 'batchSize'],
  gradients: [],
  smoothgrad: ['samples', 'sigma', 'seed'],
  'grad-cam': ['layer'],
};

/** Throws `INVALID_OPTION` for an option that `method` does not use (it would be ignored). */
function checkMethodOptions(options: ExplainOptions, method: ExplainMethod): void {
  for (const [owner, names] of Object.entries(METHOD_OPTIONS) as [ExplainMethod, readonly (keyof ExplainOptions)[]][]) {
    if (owner === method) continue;
    const unused = names.find((name) => options[name] !== undefined);
    if (unused) throw new VisionError('INVALID_OPTION', `${unused} is an option of method '${owner}'; method '${method}' does not use it (leave it out, or set method: '${owner}')`);
  }
}

/**
 * {@link ExplainOptions} checked and completed; patch sizes wait for the image's size.
 *
 * @example
 * ```ts
 * const settings: ExplainSettings = checkExplainOptions({ method: 'smoothgrad' }, false);
 * ```
 */
export interface ExplainSettings {
  method: ExplainMethod;
  iouThreshold: number;
  fill: readonly [number, number, number];
  batchSize: number;
  samples: number;
  sigma: number;
  seed?: number;
  patchSize?: number;
  stride?: number;
}

function positiveInteger(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new VisionError('INVALID_OPTION', `${name} is ${String(value)}; it must be an integer ≥ 1`);
  return value;
}

function fillOf(fill: ExplainOptions['fill']): readonly [number, number, number] {
  const rgb = typeof fill === 'number' ? [fill, fill, fill] : fill === undefined ? [128, 128, 128] : Array.isArray(fill) ? fill : [];
  if (rgb.length !== 3 || rgb.some((v) => typeof v !== 'number' || !(v >= 0 && v <= 255))) {
    throw new VisionError('INVALID_OPTION', `fill is ${shownData(fill)}; it must be a grey level or [r, g, b], each 0–255`);
  }
  return [rgb[0], rgb[1], rgb[2]];
}

/**
 * Validates {@link ExplainOptions} at the boundary and fills in defaults. `detector` says
 * whether the pipeline is a detector (which needs `target`).
 *
 * @throws VisionError `INVALID_OPTION` naming the bad option and what is allowed.
 * @example
 * ```ts
 * checkExplainOptions({ method: 'grad-cam' }, false); // throws: grad-cam needs a layer
 * ```
 */
export function checkExplainOptions(options: ExplainOptions, detector: boolean): ExplainSettings {
  if (typeof options !== 'object' || options === null) throw new VisionError('INVALID_OPTION', 'explain options must be an object');
  knownOptions(options, 'explain options', EXPLAIN_OPTION_NAMES);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new VisionError('INVALID_OPTION', `onProgress is ${shownValue(options.onProgress)}; it must be a function ({ done, total }) => void`);
  }
  if (options.classId !== undefined && !(Number.isInteger(options.classId) && options.classId >= 0)) {
    throw new VisionError('INVALID_OPTION', `classId is ${shownData(options.classId)}; it must be a class index, a whole number ≥ 0 (leave it out for the top class)`);
  }
  const method = options.method ?? 'occlusion';
  if (!METHODS.includes(method)) throw new VisionError('INVALID_OPTION', `method '${String(method)}' is unknown; allowed: ${METHODS.join(', ')}`);
  checkMethodOptions(options, method);
  if (!detector && options.iouThreshold !== undefined) {
    throw new VisionError('INVALID_OPTION', 'iouThreshold is for detectors (how much a detection must overlap target); a classifier explains classId');
  }
  if (!detector && options.target !== undefined) {
    throw new VisionError('INVALID_OPTION', 'target is a detection to explain; a classifier explains classId (leave it out for the top class)');
  }
  if (detector && options.classId !== undefined) {
    throw new VisionError('INVALID_OPTION', "classId is for classifiers; a detector explains target, a detection (its class is the detection's classId)");
  }
  if (detector) {
    const box = options.target?.box;
    if (!box || ![box.x1, box.y1, box.x2, box.y2].every(Number.isFinite) || !(box.x2 > box.x1 && box.y2 > box.y1) || !(Number.isInteger(options.target?.classId) && (options.target?.classId as number) >= 0)) {
      throw new VisionError('INVALID_OPTION', 'explaining a detector needs target: { box: { x1, y1, x2, y2 } (x2 > x1, y2 > y1), classId (a whole number ≥ 0) } — e.g. a detection from detector.run');
    }
  }
  if (method === 'grad-cam' && (typeof options.layer !== 'string' || options.layer.length === 0)) {
    throw new VisionError('INVALID_OPTION', "method 'grad-cam' needs layer: the name of a layer (layers models) or graph node (graph models) with a spatial output");
  }
  const iouThreshold = options.iouThreshold ?? 0.5;
  if (!(typeof iouThreshold === 'number' && iouThreshold > 0 && iouThreshold <= 1)) throw new VisionError('INVALID_OPTION', `iouThreshold is ${shownValue(iouThreshold)}; it must be a number in (0, 1]`);
  const sigma = options.sigma ?? 0.15;
  if (!(typeof sigma === 'number' && sigma > 0 && sigma <= 1)) throw new VisionError('INVALID_OPTION', `sigma is ${shownValue(sigma)}; it must be a number in (0, 1] (a share of the 0–255 range)`);
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new VisionError('INVALID_OPTION', `seed is ${shownValue(options.seed)}; it must be an integer`);
  const patchSize = options.patchSize === undefined ? undefined : positiveInteger(options.patchSize, 'patchSize', 1);
  const stride = options.stride === undefined ? undefined : positiveInteger(options.stride, 'stride', 1);
  return {
    method,
    iouThreshold,
    fill: fillOf(options.fill),
    batchSize: positiveInteger(options.batchSize, 'batchSize', 16),
    samples: positiveInteger(options.samples, 'samples', 16),
    sigma,
    seed: options.seed,
    patchSize,
    stride,
  };
}
