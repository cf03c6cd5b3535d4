/**
 * Figures 1 and 4: YOLOv8 decode + NMS of a `[1, 84, 8400]` output, and NMS alone on 8400
 * boxes — visionpipe against tfjs (wasm) and plain typed-array JS, interleaved.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeYoloV8, nms, postprocessYolo } from '../src/node/index';
import { type Final, plainYolo, tfjsYolo } from './baselines';
import { flagScanYolo } from './prototypes';
import { type Row, type Section, withInfo } from './report';
import { type Plan, compare } from './timing';
import { NUM_CLASSES, type YoloOutput, countCandidates, prng, realisticYolo, uniformYolo } from './yolo-data';

const CONF = 0.25;
const IOU = 0.7; // Ultralytics predict default for v8
const MAX_DET = 300;

function describe(f: Final): Record<string, number | string> {
  const top = f.scores.length > 0 ? f.scores[0].toFixed(3) : '-';
  return { kept: f.scores.length, top };
}

async function decodeSection(id: string, title: string, out: YoloOutput, plan: Plan): Promise<Section> {
  const n = out.dims[2];
  const tensor = tf.tensor3d(out.data, out.dims);
  const vp = (): Final => postprocessYolo(out, { format: 'v8', numClasses: NUM_CLASSES, threshold: CONF, iouThreshold: IOU, maxDetections: MAX_DET });
  const vpDownload = (): Final =>
    postprocessYolo({ dims: out.dims, data: tensor.dataSync() as Float32Array }, { format: 'v8', numClasses: NUM_CLASSES, threshold: CONF, iouThreshold: IOU, maxDetections: MAX_DET });
  const plain = (): Final => plainYolo(out.data, n, NUM_CLASSES, CONF, IOU, MAX_DET);
  const tfAsync = (): Promise<Final> => tfjsYolo(tensor, NUM_CLASSES, CONF, IOU, MAX_DET, false);
  const tfSync = (): Promise<Final> => tfjsYolo(tensor, NUM_CLASSES, CONF, IOU, MAX_DET, true);
  const decodeOnly = (): { scores: Float32Array } => decodeYoloV8(out, { numClasses: NUM_CLASSES, threshold: CONF });
  const proto = (): Final => flagScanYolo(out.data, n, NUM_CLASSES, CONF, IOU, MAX_DET);

  const names = {
    vp: 'visionpipe postprocessYolo',
    vpDl: 'visionpipe + dataSync() of the output',
    plain: 'plain typed-array JS',
    tfAsync: 'tfjs wasm ops + nonMaxSuppressionAsync',
    tfSync: 'tfjs wasm ops + nonMaxSuppression (kernel)',
    decode: '  of which: visionpipe decodeYoloV8 alone',
    proto: 'prototype: flag-scan decode + visionpipe nms',
  };
  const info: Record<string, Record<string, number | string>> = {
    [names.vp]: describe(vp()),
    [names.vpDl]: describe(vpDownload()),
    [names.plain]: describe(plain()),
    [names.tfAsync]: describe(await tfAsync()),
    [names.tfSync]: describe(await tfSync()),
    [names.decode]: { candidates: decodeOnly().scores.length },
    [names.proto]: describe(proto()),
  };
  const before = tf.memory().numTensors;
  const stats = await compare(
    [
      { name: names.vp, fn: vp },
      { name: names.vpDl, fn: vpDownload },
      { name: names.plain, fn: plain },
      { name: names.tfAsync, fn: tfAsync },
      { name: names.tfSync, fn: tfSync },
      { name: names.decode, fn: decodeOnly },
      { name: names.proto, fn: proto },
    ],
    plan,
  );
  const leaked = tf.memory().numTensors - before;
  tensor.dispose();
  const get = (name: string): number => stats.find((s) => s.name === name)?.median ?? NaN;
  return {
    id,
    title,
    reference: 'visionpipe',
    rows: withInfo(stats, info),
    summary: {
      'candidates above conf': countCandidates(out, CONF),
      'visionpipe median ms': get(names.vp),
      'target (realistic): visionpipe <= 1.0 ms': id === 'yolo-realistic' ? (get(names.vp) <= 1 ? 'MET' : 'NOT MET') : 'n/a',
      'tfjs async / visionpipe': get(names.tfAsync) / get(names.vp),
      'plain JS / visionpipe': get(names.plain) / get(names.vp),
      'prototype / visionpipe': get(names.proto) / get(names.vp),
    },
    notes: [
      `conf ${CONF}, IoU ${IOU}, max ${MAX_DET} detections, class-aware NMS; ratios are medians of per-round ratios (interleaved)`,
      'visionpipe and plain JS start from the downloaded Float32Array; tfjs rows start from the output tensor on the wasm backend and end with downloaded boxes/scores/classes',
      ...(leaked !== 0 ? [`tensor count changed by ${leaked} during timing`] : []),
    ],
  };
}

function randomBoxes(count: number, seed: number): { xyxy: Float32Array; yxyx: Float32Array; scores: Float32Array } {
  const rand = prng(seed);
  const xyxy = new Float32Array(count * 4);
  const yxyx = new Float32Array(count * 4);
  const scores = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const w = 8 + rand() * 128;
    const h = 8 + rand() * 128;
    const x = rand() * (640 - w);
    const y = rand() * (640 - h);
    xyxy.set([x, y, x + w, y + h], i * 4);
    yxyx.set([y, x, y + h, x + w], i * 4);
    scores[i] = rand();
  }
  return { xyxy, yxyx, scores };
}

async function nmsSection(plan: Plan, uncappedPlan: Plan): Promise<Section> {
  const count = 8400;
  const { xyxy, yxyx, scores } = randomBoxes(count, 3);
  const boxesT = tf.tensor2d(yxyx, [count, 4]);
  const scoresT = tf.tensor1d(scores);
  const iou = 0.5;
  const rows: Row[] = [];
  for (const maxDet of [300, count]) {
    const cap = maxDet === count ? 'no cap' : `max ${maxDet}`;
    const vp = (): number => nms(xyxy, scores, { iouThreshold: iou, maxDetections: maxDet }).length;
    const tfa = async (): Promise<number> => {
      const keep = await tf.image.nonMaxSuppressionAsync(boxesT, scoresT, maxDet, iou);
      const n = (await keep.data()).length;
      keep.dispose();
      return n;
    };
    const tfs = async (): Promise<number> => {
      const keep = tf.image.nonMaxSuppression(boxesT, scoresT, maxDet, iou);
      const n = (await keep.data()).length;
      keep.dispose();
      return n;
    };
    const competitors = [
      { name: `visionpipe nms (${cap})`, fn: vp },
      { name: `tf nonMaxSuppressionAsync (${cap})`, fn: tfa },
      { name: `tf nonMaxSuppression kernel (${cap})`, fn: tfs },
    ];
    const info: Record<string, Record<string, number>> = {};
    for (const c of competitors) info[c.name] = { kept: await c.fn() };
    rows.push(...withInfo(await compare(competitors, maxDet === count ? uncappedPlan : plan), info));
  }
  tf.dispose([boxesT, scoresT]);
  return {
    id: 'nms',
    title: '4. NMS alone: 8400 random boxes (8–136 px in 640²), uniform scores, IoU 0.5, class-agnostic, wasm',
    reference: 'visionpipe (same cap)',
    rows,
    notes: [
      'visionpipe gets Float32Array xyxy; tf gets [y1,x1,y2,x2] and scores tensors already on the backend and downloads the kept indices',
      'nonMaxSuppressionAsync downloads boxes+scores and runs tfjs-core JS; nonMaxSuppression runs the wasm C++ kernel',
      'tf suppresses at IoU >= threshold, visionpipe (torchvision/OpenCV) at IoU > threshold: kept counts may differ by ties only',
    ],
  };
}

/** Runs figures 1 (realistic, worst case) and 4. */
export async function yoloSections(quick: boolean): Promise<Section[]> {
  const plan: Plan = quick ? { warmup: 5, rounds: 5, perRound: 3 } : { warmup: 20, rounds: 20, perRound: 10 };
  const worstPlan: Plan = quick ? { warmup: 2, rounds: 3, perRound: 2 } : { warmup: 5, rounds: 10, perRound: 4 };
  return [
    await decodeSection('yolo-realistic', '1a. YOLOv8 [1,84,8400] decode + NMS — realistic (8 objects as candidate clusters, low background)', realisticYolo(1), plan),
    await decodeSection('yolo-uniform', '1b. YOLOv8 [1,84,8400] decode + NMS — worst case (uniform random scores: every anchor a candidate)', uniformYolo(2), worstPlan),
    await nmsSection(worstPlan, quick ? { warmup: 1, rounds: 1, perRound: 1 } : { warmup: 1, rounds: 4, perRound: 1 }),
  ];
}
