/** Shared helpers of the tracking tests: seeded noise, synthetic detections, ID-switch counting. */
import type { Box, Detection } from '../../src/core/types';
import { linearAssignment, type ByteTracker, type TrackedDetection } from '../../src/track';
import { boxIou } from '../../src/track/association';

/** Deterministic PRNG in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform PRNG (Box–Muller). */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** A box of size w×h centred at (cx, cy). */
export function centred(cx: number, cy: number, w: number, h: number): Box {
  return { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 };
}

/** A detection of a box in a `width × height` image. */
export function det(box: Box, score = 0.9, classId = 0, width = 1280, height = 720): Detection {
  return {
    box,
    boxNormalized: { x1: box.x1 / width, y1: box.y1 / height, x2: box.x2 / width, y2: box.y2 / height },
    score,
    classId,
    label: classId === 0 ? 'person' : `class${classId}`,
  };
}

/** One ground-truth object in one frame: its id and the detection the "detector" reported (if any). */
export interface GtObject {
  gtId: number;
  box: Box;
  detection?: Detection;
}

/** Per frame: ground-truth id → track id assigned to it in that frame (absent: not tracked). */
export type Assignment = Map<number, number>;

/**
 * Matches tracker outputs to ground truth by IoU ≥ 0.5 (optimal assignment, as MOT metrics do).
 */
export function assign(gt: readonly GtObject[], tracked: readonly TrackedDetection[]): Assignment {
  const cost = new Float64Array(gt.length * tracked.length);
  gt.forEach((g, i) => tracked.forEach((t, j) => (cost[i * tracked.length + j] = 1 - boxIou(g.box, t.box))));
  const { matches } = linearAssignment(cost, gt.length, tracked.length, 0.5 + 1e-9);
  return new Map(matches.map(([i, j]) => [gt[i].gtId, tracked[j].trackId]));
}

/** Runs a tracker over frames of ground truth; returns the per-frame assignments. */
export function runFrames(
  tracker: ByteTracker,
  frames: readonly (readonly GtObject[])[],
  timestamps?: readonly number[],
): Assignment[] {
  return frames.map((objects, f) => {
    const dets = objects.flatMap((o) => (o.detection ? [o.detection] : []));
    return assign(objects, tracker.update(dets, timestamps?.[f]));
  });
}

/**
 * ID switches per ground-truth object (CLEAR-MOT IDSW): how many times the track id
 * assigned to it differs from the id it had the last time it was tracked.
 */
export function countIdSwitches(history: readonly Assignment[]): Map<number, number> {
  const last = new Map<number, number>();
  const switches = new Map<number, number>();
  for (const frame of history) {
    for (const [gtId, trackId] of frame) {
      const prev = last.get(gtId);
      if (!switches.has(gtId)) switches.set(gtId, 0);
      if (prev !== undefined && prev !== trackId) switches.set(gtId, (switches.get(gtId) ?? 0) + 1);
      last.set(gtId, trackId);
    }
  }
  return switches;
}

/** Total ID switches over all objects. */
export function totalIdSwitches(history: readonly Assignment[]): number {
  let n = 0;
  for (const v of countIdSwitches(history).values()) n += v;
  return n;
}

/** The set of track ids each ground-truth object received. */
export function idsPerObject(history: readonly Assignment[]): Map<number, Set<number>> {
  const ids = new Map<number, Set<number>>();
  for (const frame of history) {
    for (const [gtId, trackId] of frame) {
      const set = ids.get(gtId) ?? new Set<number>();
      set.add(trackId);
      ids.set(gtId, set);
    }
  }
  return ids;
}

/** In how many frames each ground-truth object was tracked. */
export function trackedFrames(history: readonly Assignment[], gtId: number): number {
  return history.filter((a) => a.has(gtId)).length;
}
