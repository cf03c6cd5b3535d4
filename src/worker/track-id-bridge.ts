import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';
import type { Box } from '../core/types';

/** A tracked item of a result: anything in a top-level array with a numeric `trackId` and a `box`. */
interface TrackedItem {
  trackId: number;
  box: Box;
}

function isTracked(value: unknown): value is TrackedItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as { trackId?: unknown; box?: { x1?: unknown } };
  return typeof item.trackId === 'number' && typeof item.box?.x1 === 'number';
}

/** The tracked items of a result, wherever they sit (detections, poses, hands, faces). */
function trackedItems(result: unknown): TrackedItem[] {
  if (typeof result !== 'object' || result === null) return [];
  const items: TrackedItem[] = [];
  for (const value of Object.values(result)) {
    if (Array.isArray(value)) for (const item of value) if (isTracked(item)) items.push(item);
  }
  return items;
}

function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Keeps track IDs stable when a video stream moves from one tracker to another (the progressive
 * pipeline's switch of worker): it remembers the last result of the old tracker; each track
 * of the new one is matched, while the hand-over lasts, to the old track whose box overlaps it
 * most (IoU ≥ `minIou`, each old ID claimed once) and takes its ID; unmatched tracks get fresh
 * IDs above every ID the old tracker issued. Results are rewritten in place.
 *
 * @example
 * ```ts
 * const bridge = new TrackIdBridge();
 * bridge.observeOld(fallbackResult);
 * bridge.mapNew(preferredResult); // its trackIds now continue the old ones
 * ```
 */
export class TrackIdBridge {
  private reference: TrackedItem[] = [];
  private maxOldId = 0;
  private readonly mapping = new Map<number, number>();
  private readonly claimed = new Set<number>();
  private mappedFrames = 0;
  /** The first ID `mapNew` may hand out (null before its first frame): an old tracker's ID from there on, in a late result, may already be a new track's. */
  private freshFrom: number | null = null;
  /** Late old-tracker IDs past {@link freshFrom}, each given an ID of its own. */
  private readonly lateOld = new Map<number, number>();

  /**
   * @param minIou - the least overlap for a new track to inherit an old ID.
   * @param handOverFrames - how many new-tracker frames may still inherit old IDs.
   */
  constructor(private readonly minIou = 0.3, private readonly handOverFrames = 30) {
    if (!(typeof minIou === 'number' && minIou > 0 && minIou <= 1)) throw new VisionError('INVALID_OPTION', `minIou is ${shownValue(minIou)}; it must be an overlap above 0, at most 1`);
    if (!(Number.isInteger(handOverFrames) && handOverFrames >= 0)) throw new VisionError('INVALID_OPTION', `handOverFrames is ${shownValue(handOverFrames)}; it must be a whole number of frames ≥ 0`);
  }

  /**
   * Records a result of the old tracker (the latest one is the reference for matching). A late
   * one, answered after the new tracker's first, is rewritten where it names a track the old
   * tracker started since the switch: that ID may have been handed to a new track meanwhile.
   */
  observeOld(result: unknown): void {
    const items = trackedItems(result);
    const freshFrom = this.freshFrom;
    if (freshFrom !== null) {
      for (const item of items) {
        if (item.trackId < freshFrom) continue;
        if (!this.lateOld.has(item.trackId)) this.lateOld.set(item.trackId, ++this.maxOldId);
        item.trackId = this.lateOld.get(item.trackId) ?? item.trackId;
      }
    }
    this.reference = items.map((item) => ({ trackId: item.trackId, box: { ...item.box } }));
    for (const item of items) this.maxOldId = Math.max(this.maxOldId, item.trackId);
  }

  /** Rewrites the track IDs of a new-tracker result so that they continue the old tracker's. */
  mapNew(result: unknown): void {
    this.freshFrom ??= this.maxOldId + 1;
    const items = trackedItems(result).filter((item) => !this.mapping.has(item.trackId));
    const matching = this.mappedFrames < this.handOverFrames;
    this.mappedFrames++;
    const pairs: { item: TrackedItem; old: number; overlap: number }[] = [];
    if (matching) {
      for (const item of items) {
        for (const old of this.reference) {
          const overlap = iou(item.box, old.box);
          if (overlap >= this.minIou && !this.claimed.has(old.trackId)) pairs.push({ item, old: old.trackId, overlap });
        }
      }
    }
    pairs.sort((a, b) => b.overlap - a.overlap);
    for (const { item, old } of pairs) {
      if (this.mapping.has(item.trackId) || this.claimed.has(old)) continue;
      this.mapping.set(item.trackId, old);
      this.claimed.add(old);
    }
    for (const item of items) {
      if (this.mapping.has(item.trackId)) continue;
      this.maxOldId++;
      this.mapping.set(item.trackId, this.maxOldId);
    }
    for (const item of trackedItems(result)) item.trackId = this.mapping.get(item.trackId) ?? item.trackId;
  }
}
