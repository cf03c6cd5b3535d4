/**
 * Figure 6: mask assembly for 100 instances on a 1280×720 image, in ms per call (all 100):
 * `pasteMasks` (Mask R-CNN [100,1,28,28] probabilities pasted into their boxes, threshold 0.5)
 * and `yoloSegMasks` (100 × 32 coefficients over [1,32,160,160] prototypes of a 640×640
 * letterbox, both modes) — the same boxes. Seeded synthetic data: boxes of 40–400 px, smooth
 * blob masks, random prototypes and coefficients.
 * Each call's masks are closed inside the timed call (part of the cost a user pays).
 */
import { pasteMasks } from '../src/postprocess/masks/paste';
import { yoloSegMasks } from '../src/postprocess/masks/yolo-seg';
import type { InputTransform } from '../src/core/types';
import type { Mask } from '../src/core/mask';
import { type Section, withInfo } from './report';
import { type Competitor, type Plan, compare } from './timing';

const W = 1280;
const H = 720;
const N = 100;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** N xyxy boxes inside a w×h image, 40–400 px a side. */
function boxes(random: () => number, w: number, h: number): Float32Array {
  const out = new Float32Array(N * 4);
  for (let i = 0; i < N; i++) {
    const bw = 40 + random() * Math.min(360, w - 41);
    const bh = 40 + random() * Math.min(360, h - 41);
    const x = random() * (w - bw);
    const y = random() * (h - bh);
    out.set([x, y, x + bw, y + bh], i * 4);
  }
  return out;
}

/** Mask R-CNN-like 28×28 probabilities: a soft blob per instance. */
function rcnnMasks(random: () => number): Float32Array {
  const out = new Float32Array(N * 28 * 28);
  for (let i = 0; i < N; i++) {
    const cx = 10 + random() * 8;
    const cy = 10 + random() * 8;
    const r = 7 + random() * 5;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) out[i * 784 + y * 28 + x] = 1 / (1 + Math.exp(Math.hypot(x - cx, y - cy) - r));
    }
  }
  return out;
}

function letterbox(w: number, h: number, size: number): InputTransform {
  const r = Math.min(size / h, size / w);
  const padX = Math.round((size - Math.round(w * r)) / 2 - 0.1);
  const padY = Math.round((size - Math.round(h * r)) / 2 - 0.1);
  return { sourceWidth: w, sourceHeight: h, inputWidth: size, inputHeight: size, scaleX: r, scaleY: r, padX, padY, cropX: 0, cropY: 0 };
}

function closeAll(masks: Mask[]): number {
  let area = 0;
  for (const m of masks) {
    area += m.bounds.width * m.bounds.height;
    m.close();
  }
  return area;
}

/** Runs figure 6. */
export async function maskSections(quick: boolean): Promise<Section[]> {
  const random = rng(7);
  const rcnnBoxes = boxes(random, W, H);
  const rcnn = { dims: [N, 1, 28, 28], data: rcnnMasks(random) };
  const t = letterbox(W, H, 640);
  // the same boxes in model-input (640×640 letterbox) pixels; prototypes and coefficients random
  const inputBoxes = rcnnBoxes.map((v, i) => (i % 2 === 0 ? v * t.scaleX + t.padX : v * t.scaleY + t.padY));
  const protos = { dims: [1, 32, 160, 160], data: Float32Array.from({ length: 32 * 160 * 160 }, () => random() * 2 - 1) };
  const coefficients = Float32Array.from({ length: N * 32 }, () => random() * 2 - 1);
  const info: Record<string, Record<string, number | string>> = {};
  const names = { paste: 'pasteMasks (Mask R-CNN 28×28)', yolo: 'yoloSegMasks upsample (160² protos)', native: 'yoloSegMasks native (retina)' };
  const competitors: Competitor[] = [
    { name: names.paste, fn: () => (info[names.paste] = { masks: N, 'stored px': closeAll(pasteMasks(rcnn, rcnnBoxes, W, H)) }) },
    { name: names.yolo, fn: () => (info[names.yolo] = { masks: N, 'stored px': closeAll(yoloSegMasks(protos, coefficients, inputBoxes, t)) }) },
    { name: names.native, fn: () => (info[names.native] = { masks: N, 'stored px': closeAll(yoloSegMasks(protos, coefficients, inputBoxes, t, { mode: 'native' })) }) },
  ];
  const plan: Plan = quick ? { warmup: 2, rounds: 3, perRound: 2 } : { warmup: 3, rounds: 8, perRound: 3 };
  const stats = await compare(competitors, plan, names.paste);
  return [
    {
      id: 'masks-100x1280x720',
      title: `6. Mask assembly: ${N} instances on a ${W}×${H} image (ms per call, all ${N} masks)`,
      reference: 'pasteMasks',
      rows: withInfo(stats, info),
      notes: ['seeded synthetic boxes (40–400 px a side) and masks; each call builds 100 owned Mask objects (box-region storage) and closes them', 'stored px: the summed box-region sizes the masks store'],
    },
  ];
}
