/**
 * Export of a {@link TrainableDetector} to a standard tfjs layers model with YOLOv8's output
 * layout, and back (to fine-tune a saved detector).
 */
import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';
import { shownValue } from '../../core/shown-value';
import { DETECTOR_STRIDE, type DetectorConfig, TrainableDetector, detectorLayers, gridCentres } from './detector-model';

/** Key of the detector's config in the layers model's user-defined metadata. */
const METADATA_KEY = 'visionpipeDetector';

/**
 * The box decode as one Dense over the flattened `[4, N]` side distances: kernel maps
 * (l, t, r, b) to (cx, cy, w, h) cell by cell, bias adds the cell centres to cx and cy.
 */
function decodeWeights(n: number): [tf.Tensor2D, tf.Tensor1D] {
  const kernel = new Float32Array(16 * n * n);
  // rows: input (side k, cell i) = k·n + i; columns: output (row j, cell i) = j·n + i
  const mix = [
    [-0.5, 0, 1, 0], // l → cx: -l/2, w: +l
    [0, -0.5, 0, 1], // t
    [0.5, 0, 1, 0], // r
    [0, 0.5, 0, 1], // b
  ];
  for (let k = 0; k < 4; k++) for (let j = 0; j < 4; j++) for (let i = 0; i < n; i++) kernel[(k * n + i) * 4 * n + j * n + i] = mix[k][j];
  const centres = gridCentres(Math.sqrt(n) * DETECTOR_STRIDE);
  const bias = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    bias[i] = centres[i * 2];
    bias[n + i] = centres[i * 2 + 1];
  }
  return [tf.tensor2d(kernel, [4 * n, 4 * n]), tf.tensor1d(bias)];
}

function kernelShape(kind: 'down' | 'conv3' | 'conv1', cin: number, cout: number): number[] {
  const k = kind === 'conv3' ? 3 : kind === 'down' ? 2 : 1;
  return [k, k, cin, cout];
}

/**
 * A standard tfjs layers model (Conv2D, UpSampling2D, Concatenate, Reshape, Permute, Dense —
 * no custom layers, so any tfjs loader reads it) computing the detector: input `[1, S, S, 3]`
 * RGB 0–1, output `[1, 4+C(+M), N]` exactly as YOLOv8 (cx, cy, w, h in input pixels, then
 * sigmoid class scores, then M mask coefficients), and with a mask head a second output of
 * prototypes `[1, S/2, S/2, M]` (channels last, as Ultralytics' TF.js exports). Save it with
 * `model.save(...)`; its config travels in the user-defined metadata.
 *
 * @example
 * ```ts
 * const model = detectorToLayersModel(detector);
 * const runner = new TfjsRunner(model, tf.getBackend());
 * const det = await pipeline('object-detection', { model: runner, spec: yoloModel({ url: 'memory', version: 'v8', format: 'tfjs', inputSize: 64, labels }) });
 * ```
 */
export function detectorToLayersModel(detector: TrainableDetector): tf.LayersModel {
  if (!(detector instanceof TrainableDetector)) throw new VisionError('INVALID_INPUT', `detectorToLayersModel takes a TrainableDetector; got ${shownValue(detector)}`);
  if (detector.params.size === 0) throw new VisionError('DISPOSED', 'this detector was disposed');
  const config = detector.config;
  const size = config.inputSize;
  const g = size / DETECTOR_STRIDE;
  const n = g * g;
  const m = config.numPrototypes ?? 0;
  const defs = new Map(detectorLayers(config).map((d) => [d.name, d]));
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };
  const apply = (name: string, x: tf.SymbolicTensor, activation: 'relu' | 'linear' | 'sigmoid' | 'softplus' = 'relu'): tf.SymbolicTensor => {
    const d = defs.get(name)!;
    const [kernel, bias] = detector.layerWeights(name).map(own);
    const layer = tf.layers.conv2d({
      name,
      filters: d.cout,
      kernelSize: d.kind === 'conv3' ? 3 : d.kind === 'down' ? 2 : 1,
      strides: d.kind === 'down' ? 2 : 1,
      padding: d.kind === 'conv3' ? 'same' : 'valid',
      activation,
      weights: [own(kernel.reshape(kernelShape(d.kind, d.cin, d.cout))), bias],
    });
    return layer.apply(x) as tf.SymbolicTensor;
  };
  const toRows = (x: tf.SymbolicTensor, depth: number, name: string) =>
    tf.layers.permute({ dims: [2, 1], name: `${name}_rows` }).apply(tf.layers.reshape({ targetShape: [n, depth], name: `${name}_flat` }).apply(x)) as tf.SymbolicTensor;
  const input = tf.input({ shape: [size, size, 3], name: 'images' });
  let h = apply('stem', input);
  const p2 = apply('c1', h);
  h = apply('d1', p2);
  const p4 = apply('c2', h);
  h = apply('d2', p4);
  h = apply('c3', h);
  const p8 = apply('c4', h);
  const cls = toRows(apply('cls', apply('head_cls', p8), 'sigmoid'), config.labels.length, 'cls');
  const hb = apply('head_box', p8);
  const sides = tf.layers.flatten({ name: 'sides' }).apply(toRows(apply('box', hb, 'softplus'), 4, 'box')) as tf.SymbolicTensor;
  const [kernel, bias] = decodeWeights(n).map(own);
  const scaled = own(kernel.mul(DETECTOR_STRIDE));
  const decoded = tf.layers.dense({ units: 4 * n, name: 'decode', trainable: false, weights: [scaled, bias] }).apply(sides) as tf.SymbolicTensor;
  const xywh = tf.layers.reshape({ targetShape: [4, n], name: 'xywh' }).apply(decoded) as tf.SymbolicTensor;
  const rows = [xywh, cls];
  let protos: tf.SymbolicTensor | undefined;
  if (m > 0) {
    rows.push(toRows(apply('coef', hb, 'linear'), m, 'coef'));
    const up = (x: tf.SymbolicTensor, name: string) => tf.layers.upSampling2d({ size: [2, 2], name }).apply(x) as tf.SymbolicTensor;
    const join = (a: tf.SymbolicTensor, b: tf.SymbolicTensor, name: string) => tf.layers.concatenate({ axis: 3, name }).apply([a, b]) as tf.SymbolicTensor;
    const fine = up(apply('proto_conv', join(up(p8, 'up'), p4, 'proto_in')), 'up_fine');
    protos = apply('proto', join(fine, p2, 'proto_fine_in'), 'linear');
  }
  const output = tf.layers.concatenate({ axis: 1, name: 'output0' }).apply(rows) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: protos ? [output, protos] : output, name: 'visionpipe_detector' });
  tf.dispose(owned);
  model.setUserDefinedMetadata({ [METADATA_KEY]: { inputSize: size, labels: [...config.labels], widths: [...(config.widths ?? [16, 32, 64])], numPrototypes: m } });
  return model;
}

/**
 * Rebuilds a {@link TrainableDetector} from a layers model that {@link detectorToLayersModel}
 * made (e.g. after saving and loading it), to fine-tune it further.
 *
 * @throws VisionError `MODEL_FORMAT` when the model is not a visionpipe detector.
 * @example
 * ```ts
 * const model = await tf.loadLayersModel('indexeddb://my-detector');
 * const detector = detectorFromLayersModel(model);
 * ```
 */
export function detectorFromLayersModel(model: tf.LayersModel): TrainableDetector {
  if (!(model instanceof tf.LayersModel)) throw new VisionError('INVALID_INPUT', `detectorFromLayersModel takes a tf.LayersModel (made by detectorToLayersModel); got ${shownValue(model)}`);
  const meta = (model.getUserDefinedMetadata() as Record<string, DetectorConfig> | undefined)?.[METADATA_KEY];
  if (!meta) throw new VisionError('MODEL_FORMAT', `model '${model.name}' has no ${METADATA_KEY} metadata; only models made by detectorToLayersModel can be rebuilt`);
  const weights = new Map<string, tf.Tensor>();
  try {
    for (const d of detectorLayers(meta)) {
      const [kernel, bias] = model.getLayer(d.name).getWeights();
      weights.set(`${d.name}/kernel`, kernel.reshape([-1, d.cout]));
      weights.set(`${d.name}/bias`, bias.clone());
    }
    return new TrainableDetector(meta, { weights });
  } catch (error) {
    // a config or weights the detector refuses are the saved model's fault
    const message = error instanceof VisionError ? error.message : String(error);
    throw new VisionError('MODEL_FORMAT', `model '${model.name}' does not match its detector metadata: ${message}`, { cause: error });
  } finally {
    tf.dispose([...weights.values()]);
  }
}
