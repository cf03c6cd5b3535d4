/**
 * Percentiles of one measured quantity over the recent samples, in milliseconds.
 *
 * @example
 * ```ts
 * if (stats.latency.captureToResult.p95 > 100) lowerResolution();
 * ```
 */
export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
  /** Samples these numbers are computed from (the most recent ones, at most the window). */
  count: number;
}

/**
 * Live statistics of a frame loop. Counters cover the whole run; rates and percentiles cover
 * the most recent frames (the window, 120 by default).
 *
 * @example
 * ```ts
 * const s = loop.stats();
 * console.log(`${s.processedFps.toFixed(1)} fps, ${s.dropped} dropped, p95 ${s.latency.captureToResult.p95.toFixed(0)} ms`);
 * ```
 */
export interface LoopStats {
  /** Frames taken from the source. */
  framesIn: number;
  /** Frames whose result was delivered. */
  processed: number;
  /** Stale frames dropped by the `latest` policy, plus frames the source itself dropped. */
  dropped: number;
  /** Frames left out by a `{ stride }` policy. */
  skipped: number;
  /** Frames whose run failed. */
  errors: number;
  /** Most frames that waited at one time. */
  maxQueued: number;
  /** Rate at which frames arrived from the source over the last 2 s (frames per second; 0 once they stopped 2 s ago). */
  inputFps: number;
  /** Rate at which results were delivered over the last 2 s (frames per second; 0 once they stopped 2 s ago). */
  processedFps: number;
  /** Milliseconds since the loop started. */
  elapsedMs: number;
  latency: {
    /** From the frame's capture (`capturedAt`) to its result. */
    captureToResult: Percentiles;
    /** From the frame's capture to the start of its run (time spent waiting). */
    queue: Percentiles;
    /** The pipeline call, as the loop sees it (includes worker messaging). */
    run: Percentiles;
    /** Pipeline-reported stages (`result.timing`), when the result has them. */
    preprocess: Percentiles;
    inference: Percentiles;
    postprocess: Percentiles;
  };
}

/** How far back the fps figures look (ms). */
const RATE_HORIZON_MS = 2000;

/** A ring buffer of recent samples. */
class Window {
  private readonly values: number[] = [];
  private next = 0;
  constructor(private readonly size: number) {}

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.values.length < this.size) this.values.push(value);
    else this.values[this.next] = value;
    this.next = (this.next + 1) % this.size;
  }

  percentiles(): Percentiles {
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : Number.NaN);
    return { p50: at(0.5), p95: at(0.95), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN, count: sorted.length };
  }

  /**
   * Events per second as of `now`: those of the last {@link RATE_HORIZON_MS} (or of the
   * recorded span, when shorter) over that time. When events stop (a paused camera) the rate
   * falls to 0 within the horizon instead of holding its last value.
   */
  rate(now: number): number {
    if (this.values.length < 2) return 0;
    const times = [...this.values].sort((a, b) => a - b);
    const last = times[times.length - 1];
    const horizon = Math.min(last - times[0], RATE_HORIZON_MS);
    if (!(horizon > 0)) return 0;
    const from = Math.max(now, last) - horizon;
    return (times.filter((t) => t > from).length * 1000) / horizon;
  }
}

type Stage = keyof LoopStats['latency'];

/**
 * Collects the numbers behind {@link LoopStats} (used by the scheduler).
 *
 * @example
 * ```ts
 * const stats = new LoopStatsCollector(performance.now());
 * stats.frameIn(performance.now());
 * ```
 */
export class LoopStatsCollector {
  framesIn = 0;
  processed = 0;
  dropped = 0;
  skipped = 0;
  errors = 0;
  maxQueued = 0;
  private readonly arrivals: Window;
  private readonly deliveries: Window;
  private readonly stages: Record<Stage, Window>;

  constructor(
    private readonly started: number,
    windowSize = 120,
  ) {
    this.arrivals = new Window(windowSize);
    this.deliveries = new Window(windowSize);
    const w = () => new Window(windowSize);
    this.stages = { captureToResult: w(), queue: w(), run: w(), preprocess: w(), inference: w(), postprocess: w() };
  }

  frameIn(at: number): void {
    this.framesIn++;
    this.arrivals.add(at);
  }

  queued(length: number): void {
    this.maxQueued = Math.max(this.maxQueued, length);
  }

  delivered(at: number, samples: Partial<Record<Stage, number>>): void {
    this.processed++;
    this.deliveries.add(at);
    for (const [stage, value] of Object.entries(samples) as [Stage, number][]) this.stages[stage].add(value);
  }

  snapshot(now: number, sourceDropped: number): LoopStats {
    const latency = Object.fromEntries(Object.entries(this.stages).map(([k, w]) => [k, w.percentiles()])) as LoopStats['latency'];
    return {
      framesIn: this.framesIn,
      processed: this.processed,
      dropped: this.dropped + sourceDropped,
      skipped: this.skipped,
      errors: this.errors,
      maxQueued: this.maxQueued,
      inputFps: this.arrivals.rate(now),
      processedFps: this.deliveries.rate(now),
      elapsedMs: now - this.started,
      latency,
    };
  }
}
