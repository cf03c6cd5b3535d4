/**
 * Target assignment (centre sampling) and the detector's loss: BCE for class scores, GIoU for
 * boxes, per-instance cropped BCE for YOLO-seg style masks.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../core/types';
import { DETECTOR_STRIDE, type DetectorForward, PROTO_STRIDE, gridCentres } from './detector-model';
import type { ShapeScene } from './shape-scenes';
import { matMulTransposed } from './trainable-conv';

/**
 * Per-cell training targets of a batch, flat row-major arrays (B scenes × N cells).
 *
 * @example
 * ```ts
 * const targets = assignTargets(batch, { inputSize: 64, numClasses: 3, numPrototypes: 8 });
 * ```
 */
export interface DetectorTargets {
  batch: number;
  cells: number;
  /** [B·N] 1 where a cell is a positive. */
  positive: Float32Array;
  /** [B·N·C] one-hot class targets. */
  classes: Float32Array;
  /** [B·N·4] xyxy boxes of the assigned objects. */
  boxes: Float32Array;
  /**
   * Mask targets of the positive cells only, in K slots per scene (K: the most positives of a
   * scene in the batch; a scene's unused slots have zero weight): `slotCells` [B·K·N] one-hot
   * picks each slot's cell, `masks` [B·K·P] is the soft mask of its object at prototype
   * resolution, `maskWeights` [B·K·P] its loss weights (inside its box / box area).
   */
  maskSlots?: number;
  slotCells?: Float32Array;
  masks?: Float32Array;
  maskWeights?: Float32Array;
  numPositive: number;
}

/** A box cut to the `size`-pixel square image. */
function clippedBox(box: Box, size: number): Box {
  const clip = (v: number) => Math.max(0, Math.min(size, v));
  return { x1: clip(box.x1), y1: clip(box.y1), x2: clip(box.x2), y2: clip(box.y2) };
}

/** Centre-sampling radius in cells: positives are cells whose centre is inside an object's box and this close to its centre. */
const RADIUS = 1.25;

/**
 * Assigns each grid cell to at most one object: cells whose centre lies inside the object's
 * box and within {@link RADIUS} cells of its centre (the smallest object wins a tie); an object
 * that gets no cell takes the cell holding its centre. A box reaching past the image counts by
 * its part inside (its cells, centre and regression target), as Ultralytics clips its labels.
 *
 * @example
 * ```ts
 * const t = assignTargets(scenes.slice(0, 16), { inputSize: 64, numClasses: 3 });
 * ```
 */
export function assignTargets(scenes: readonly ShapeScene[], options: { inputSize: number; numClasses: number; numPrototypes?: number }): DetectorTargets {
  const { inputSize: size, numClasses: c } = options;
  const g = size / DETECTOR_STRIDE;
  const n = g * g;
  const b = scenes.length;
  const centres = gridCentres(size);
  const positive = new Float32Array(b * n);
  const classes = new Float32Array(b * n * c);
  const boxes = new Float32Array(b * n * 4);
  let numPositive = 0;
  const owners = scenes.map((scene, s) => {
    const owner = new Int32Array(n).fill(-1);
    // the part of each box inside the image: what the model can see, as Ultralytics clips its labels
    const seen = scene.objects.map((o) => clippedBox(o.box, size));
    const area = (k: number) => (seen[k].x2 - seen[k].x1) * (seen[k].y2 - seen[k].y1);
    scene.objects.forEach((_, k) => {
      const { x1, y1, x2, y2 } = seen[k];
      const [gx, gy] = [(x1 + x2) / 2, (y1 + y2) / 2];
      let got = false;
      for (let i = 0; i < n; i++) {
        const [cx, cy] = [centres[i * 2], centres[i * 2 + 1]];
        const inBox = cx > x1 && cx < x2 && cy > y1 && cy < y2;
        const near = Math.abs(cx - gx) < RADIUS * DETECTOR_STRIDE && Math.abs(cy - gy) < RADIUS * DETECTOR_STRIDE;
        if (!inBox || !near) continue;
        got = true;
        if (owner[i] < 0 || area(k) < area(owner[i])) owner[i] = k;
      }
      if (!got) {
        const cell = (v: number) => Math.max(0, Math.min(g - 1, Math.floor(v / DETECTOR_STRIDE)));
        const i = cell(gy) * g + cell(gx);
        if (owner[i] < 0 || area(k) < area(owner[i])) owner[i] = k;
      }
    });
    for (let i = 0; i < n; i++) {
      const k = owner[i];
      if (k < 0) continue;
      const row = s * n + i;
      positive[row] = 1;
      numPositive++;
      classes[row * c + scene.objects[k].classId] = 1;
      boxes.set([seen[k].x1, seen[k].y1, seen[k].x2, seen[k].y2], row * 4);
    }
    return owner;
  });
  const targets: DetectorTargets = { batch: b, cells: n, positive, classes, boxes, numPositive };
  return (options.numPrototypes ?? 0) > 0 ? { ...targets, ...maskTargets(scenes, owners, size) } : targets;
}

/** The mask targets of {@link assignTargets}: each scene's positive cells in slots (see {@link DetectorTargets}). */
function maskTargets(scenes: readonly ShapeScene[], owners: readonly Int32Array[], size: number): Pick<DetectorTargets, 'maskSlots' | 'slotCells' | 'masks' | 'maskWeights'> {
  const n = owners[0]?.length ?? 0;
  const ps = size / PROTO_STRIDE;
  const p = ps * ps;
  const cellsOf = owners.map((owner) => [...owner.keys()].filter((i) => owner[i] >= 0));
  const k = Math.max(1, ...cellsOf.map((cells) => cells.length));
  const slotCells = new Float32Array(scenes.length * k * n);
  const masks = new Float32Array(scenes.length * k * p);
  const maskWeights = new Float32Array(scenes.length * k * p);
  scenes.forEach((scene, s) => {
    // per object, once: its mask at prototype resolution and its loss weights (1 / box area inside its box)
    const small = scene.objects.map((o) => downsample(o.mask!, size)); // checkScenes: every object has one with a mask head
    const weights = scene.objects.map((o) => {
      const inside: number[] = [];
      for (let q = 0; q < p; q++) {
        const [px, py] = [((q % ps) + 0.5) * PROTO_STRIDE, (Math.floor(q / ps) + 0.5) * PROTO_STRIDE];
        if (px >= o.box.x1 && px < o.box.x2 && py >= o.box.y1 && py < o.box.y2) inside.push(q);
      }
      const w = new Float32Array(p);
      for (const q of inside) w[q] = 1 / inside.length;
      return w;
    });
    cellsOf[s].forEach((cell, slot) => {
      const row = s * k + slot;
      const object = owners[s][cell];
      slotCells[row * n + cell] = 1;
      masks.set(small[object], row * p);
      maskWeights.set(weights[object], row * p);
    });
  });
  return { maskSlots: k, slotCells, masks, maskWeights };
}

/** A size×size binary mask → (size/PROTO_STRIDE)² coverage fractions. */
function downsample(mask: Uint8Array, size: number): Float32Array {
  const ps = size / PROTO_STRIDE;
  const out = new Float32Array(ps * ps);
  const s = PROTO_STRIDE;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[Math.floor(y / s) * ps + Math.floor(x / s)] += mask[y * size + x] / (s * s);
  return out;
}

function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.relu(logits).sub(logits.mul(targets)).add(tf.log1p(tf.exp(tf.abs(logits).neg())));
}

/** Generalised IoU of matching xyxy boxes, [..., 4] → [...]. */
function giou(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [ax1, ay1, ax2, ay2] = tf.split(a, 4, -1);
  const [bx1, by1, bx2, by2] = tf.split(b, 4, -1);
  const iw = tf.relu(tf.minimum(ax2, bx2).sub(tf.maximum(ax1, bx1)));
  const ih = tf.relu(tf.minimum(ay2, by2).sub(tf.maximum(ay1, by1)));
  const inter = iw.mul(ih);
  const union = ax2.sub(ax1).mul(ay2.sub(ay1)).add(bx2.sub(bx1).mul(by2.sub(by1))).sub(inter);
  const hull = tf.maximum(ax2, bx2).sub(tf.minimum(ax1, bx1)).mul(tf.maximum(ay2, by2).sub(tf.minimum(ay1, by1)));
  return inter.div(union.add(1e-6)).sub(hull.sub(union).div(hull.add(1e-6))).squeeze([-1]);
}

/**
 * Loss parts (scalars, each normalised by the number of positives) of one forward pass.
 *
 * @example
 * ```ts
 * const { total } = detectorLoss(detector.forward(x), targets);
 * ```
 */
export function detectorLoss(out: DetectorForward, t: DetectorTargets): { total: tf.Scalar; cls: tf.Scalar; box: tf.Scalar; mask: tf.Scalar } {
  const { batch: b, cells: n } = t;
  const norm = Math.max(t.numPositive, 1);
  const pos = tf.tensor2d(t.positive, [b, n]);
  const cls = bceWithLogits(out.clsLogits, tf.tensor3d(t.classes, out.clsLogits.shape)).sum().div(norm) as tf.Scalar;
  const box = tf.scalar(1).sub(giou(out.boxes, tf.tensor3d(t.boxes, [b, n, 4]))).mul(pos).sum().mul(2 / norm) as tf.Scalar;
  let mask = tf.scalar(0);
  if (out.coefficients && out.prototypes && t.maskSlots && t.slotCells && t.masks && t.maskWeights) {
    // only the positive cells' masks: their coefficients picked into slots by a one-hot matMul
    const picked = tf.matMul(tf.tensor3d(t.slotCells, [b, t.maskSlots, n]), out.coefficients) as tf.Tensor3D;
    const logits = matMulTransposed(picked, out.prototypes);
    const shape = logits.shape;
    mask = bceWithLogits(logits, tf.tensor3d(t.masks, shape)).mul(tf.tensor3d(t.maskWeights, shape)).sum().div(norm) as tf.Scalar;
  }
  return { total: cls.add(box).add(mask) as tf.Scalar, cls, box, mask };
}
