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
  /** Rate at which frames arrived from the source (frames per second; falls toward 0 once they stop). */
  inputFps: number;
  /** Rate at which results were delivered (frames per second; falls toward 0 once they stop). */
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
   * Events per second over the recorded event times, as of `now`: once no event has come for
   * longer than their mean interval, the time since counts too, so the rate falls toward 0
   * when events stop (a paused camera) instead of holding its last value.
   */
  rate(now: number): number {
    if (this.values.length < 2) return 0;
    const times = [...this.values].sort((a, b) => a - b);
    const intervals = times.length - 1;
    const span = times[intervals] - times[0];
    if (!(span > 0)) return 0;
    return (intervals * 1000) / Math.max(span, now - times[0] - span / intervals);
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
