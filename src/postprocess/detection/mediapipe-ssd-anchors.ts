/**
 * SSD anchors the MediaPipe way (`SsdAnchorsCalculator`), as used by BlazeFace, BlazePose's
 * person detector and the palm detector: normalised `(cx, cy, w, h)` per anchor, layers with
 * equal strides merged into one grid.
 */
import { VisionError } from '../../core/errors';
import { optionNames } from '../../core/known-options';
import { checkOptionNames, checkPositive } from '../validate';
import type { MediapipeAnchorOptions } from '../../core/card-types';
import { checkAnchorCount } from './anchor-limit';
export type { MediapipeAnchorOptions } from '../../core/card-types';

/** Anchor options of BlazeFace front/short-range (128×128): 896 anchors. @example `mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS).length / 4 // 896` */
export const BLAZEFACE_FRONT_ANCHORS: Readonly<MediapipeAnchorOptions> = /* @__PURE__ */ Object.freeze({
  numLayers: 4,
  minScale: 0.1484375,
  maxScale: 0.75,
  inputSizeWidth: 128,
  inputSizeHeight: 128,
  strides: Object.freeze([8, 16, 16, 16]),
  aspectRatios: Object.freeze([1]),
  fixedAnchorSize: true,
});

/** Anchor options of BlazeFace back/full-range (256×256): 896 anchors. @example `mediapipeSsdAnchors(BLAZEFACE_BACK_ANCHORS)` */
export const BLAZEFACE_BACK_ANCHORS: Readonly<MediapipeAnchorOptions> = /* @__PURE__ */ Object.freeze({
  ...BLAZEFACE_FRONT_ANCHORS,
  inputSizeWidth: 256,
  inputSizeHeight: 256,
  strides: Object.freeze([16, 32, 32, 32]),
});

/** Anchor options of the BlazePose person detector (224×224): 2254 anchors. @example `mediapipeSsdAnchors(BLAZEPOSE_DETECTOR_ANCHORS)` */
export const BLAZEPOSE_DETECTOR_ANCHORS: Readonly<MediapipeAnchorOptions> = /* @__PURE__ */ Object.freeze({
  numLayers: 5,
  minScale: 0.1484375,
  maxScale: 0.75,
  inputSizeWidth: 224,
  inputSizeHeight: 224,
  strides: Object.freeze([8, 16, 32, 32, 32]),
  aspectRatios: Object.freeze([1]),
  fixedAnchorSize: true,
});

/** MediaPipe's `CalculateScale`: linear from minScale to maxScale over the strides. */
function layerScale(minScale: number, maxScale: number, index: number, count: number): number {
  if (count === 1) return (minScale + maxScale) * 0.5;
  return minScale + ((maxScale - minScale) * index) / (count - 1);
}

const ANCHOR_OPTION_NAMES = /* @__PURE__ */ optionNames<MediapipeAnchorOptions>()([
  'numLayers',
  'minScale',
  'maxScale',
  'inputSizeWidth',
  'inputSizeHeight',
  'anchorOffsetX',
  'anchorOffsetY',
  'strides',
  'featureMapWidth',
  'featureMapHeight',
  'aspectRatios',
  'reduceBoxesInLowestLayer',
  'interpolatedScaleAspectRatio',
  'fixedAnchorSize',
]);

function checkOptions(o: MediapipeAnchorOptions): void {
  if (typeof o !== 'object' || o === null) {
    throw new VisionError('INVALID_OPTION', `mediapipeSsdAnchors: the anchor options must be an object (numLayers, minScale, maxScale, inputSizeWidth, inputSizeHeight, strides, aspectRatios); got ${o === null ? 'null' : typeof o}`);
  }
  checkOptionNames(o, 'mediapipeSsdAnchors', ANCHOR_OPTION_NAMES);
  if (!Number.isInteger(o.numLayers) || o.numLayers <= 0) {
    throw new VisionError('INVALID_OPTION', `mediapipeSsdAnchors: numLayers must be a positive integer; got ${String(o.numLayers)}`);
  }
  for (const key of ['minScale', 'maxScale', 'inputSizeWidth', 'inputSizeHeight'] as const) checkPositive(o[key], `mediapipeSsdAnchors: ${key}`);
  if (!Array.isArray(o.strides) || o.strides.length < o.numLayers) {
    throw new VisionError('INVALID_OPTION', `mediapipeSsdAnchors: strides must hold one stride per layer (${o.numLayers}); got ${String(o.strides)}`);
  }
  o.strides.forEach((s) => checkPositive(s, 'mediapipeSsdAnchors: strides[i]'));
  if (!Array.isArray(o.aspectRatios)) throw new VisionError('INVALID_OPTION', 'mediapipeSsdAnchors: aspectRatios must be an array of positive numbers');
  o.aspectRatios.forEach((r) => checkPositive(r, 'mediapipeSsdAnchors: aspectRatios[i]'));
  const hasW = o.featureMapWidth !== undefined;
  const hasH = o.featureMapHeight !== undefined;
  if (hasW !== hasH || (hasW && (!Array.isArray(o.featureMapWidth) || !Array.isArray(o.featureMapHeight) || o.featureMapWidth.length < o.numLayers || o.featureMapHeight.length < o.numLayers))) {
    throw new VisionError('INVALID_OPTION', `mediapipeSsdAnchors: featureMapWidth and featureMapHeight must both be given, with ${o.numLayers} entries each`);
  }
  for (const side of [...(o.featureMapWidth ?? []), ...(o.featureMapHeight ?? [])]) {
    if (!(Number.isInteger(side) && side > 0)) throw new VisionError('INVALID_OPTION', `mediapipeSsdAnchors: feature-map sizes must be positive integers; got ${String(side)}`);
  }
}

/**
 * Generates SSD anchors exactly as MediaPipe's `SsdAnchorsCalculator`: for each run of
 * consecutive layers with the same stride, one grid whose every cell holds the anchors of
 * all those layers (per layer: one per aspect ratio, plus the interpolated-scale one), in
 * row-major cell order. Returns a flat `Float32Array` of N×4 `(cx, cy, w, h)`, normalised to
 * the input size (with `fixedAnchorSize`, `w = h = 1`).
 *
 * @throws VisionError `INVALID_OPTION` for options that are not an object, a non-positive size, scale, stride or ratio, or
 * fewer strides / feature-map sizes than layers.
 *
 * @example
 * ```ts
 * const anchors = mediapipeSsdAnchors(BLAZEFACE_FRONT_ANCHORS); // 896 × (cx, cy, w, h)
 * anchors.subarray(0, 4); // [0.03125, 0.03125, 1, 1]
 * ```
 */
export function mediapipeSsdAnchors(options: MediapipeAnchorOptions): Float32Array {
  checkOptions(options);
  const offsetX = options.anchorOffsetX ?? 0.5;
  const offsetY = options.anchorOffsetY ?? 0.5;
  const groups = anchorGroups(options);
  const count = groups.reduce((sum, g) => sum + g.gridW * g.gridH * g.ratios.length, 0);
  checkAnchorCount(count, 'mediapipeSsdAnchors');
  const out = new Float32Array(count * 4);
  let o = 0;
  for (const { ratios, scales, gridW, gridH } of groups) {
    const widths = ratios.map((r, i) => scales[i] * Math.sqrt(r));
    const heights = ratios.map((r, i) => scales[i] / Math.sqrt(r));
    for (let y = 0; y < gridH; y++) {
      for (let x = 0; x < gridW; x++) {
        const cx = (x + offsetX) / gridW;
        const cy = (y + offsetY) / gridH;
        for (let a = 0; a < ratios.length; a++) {
          out[o++] = cx;
          out[o++] = cy;
          out[o++] = options.fixedAnchorSize ? 1 : widths[a];
          out[o++] = options.fixedAnchorSize ? 1 : heights[a];
        }
      }
    }
  }
  return out;
}

/** One grid of anchors: a run of consecutive layers with the same stride, each cell holding every ratio/scale pair. */
interface AnchorGroup {
  ratios: number[];
  scales: number[];
  gridW: number;
  gridH: number;
}

/** The grids `SsdAnchorsCalculator` lays out, with each cell's aspect ratios and scales (no anchor made yet). */
function anchorGroups(options: MediapipeAnchorOptions): AnchorGroup[] {
  const interpolated = options.interpolatedScaleAspectRatio ?? 1;
  const { strides, minScale, maxScale } = options;
  const numStrides = strides.length;
  const groups: AnchorGroup[] = [];
  let layer = 0;
  while (layer < options.numLayers) {
    const ratios: number[] = [];
    const scales: number[] = [];
    let last = layer;
    while (last < numStrides && strides[last] === strides[layer]) {
      const scale = layerScale(minScale, maxScale, last, numStrides);
      if (last === 0 && options.reduceBoxesInLowestLayer) {
        ratios.push(1, 2, 0.5);
        scales.push(0.1, scale, scale);
      } else {
        for (const ratio of options.aspectRatios) {
          ratios.push(ratio);
          scales.push(scale);
        }
        if (interpolated > 0) {
          const next = last === numStrides - 1 ? 1 : layerScale(minScale, maxScale, last + 1, numStrides);
          scales.push(Math.sqrt(scale * next));
          ratios.push(interpolated);
        }
      }
      last++;
    }
    const gridW = options.featureMapWidth ? options.featureMapWidth[layer] : Math.ceil(options.inputSizeWidth / strides[layer]);
    const gridH = options.featureMapHeight ? options.featureMapHeight[layer] : Math.ceil(options.inputSizeHeight / strides[layer]);
    groups.push({ ratios, scales, gridW, gridH });
    // A run of equal strides is one grid; `last` > `layer` always (strides[layer] === itself).
    layer = Math.max(last, layer + 1);
  }
  return groups;
}
