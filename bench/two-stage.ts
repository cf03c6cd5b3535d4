/**
 * Paired timing of a two-stage pipeline (a detector, then a landmark model on its crop): `run`
 * against the raw chain of both models and `runForVideo` (the subject followed, the detector
 * skipped) against the raw second model alone, each with both raw graphs — as the model files are
 * converted and as the pipeline runs them (convolutions fused at load).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Timing } from '../src/node/index';
import { type Competitor, type Plan, type Stats, compare, median, pairedRatio } from './timing';

/** Median `timing.total / timing.inference` of a pipeline's calls: its own work within each call. @example `withinCall(timings).toFixed(3)` */
export const withinCall = (list: readonly Timing[]): number => median(list.map((t) => t.total / t.inference));

/** Median milliseconds per call outside inference. @example `outsideInference(timings).toFixed(2)` */
export const outsideInference = (list: readonly Timing[]): number => median(list.map((t) => t.total - t.inference));

/** A raw path timed as converted and as fused. @example `{ converted: chain('raw as converted', a), fused: chain('raw fused', b) }` */
export interface RawPair {
  converted: Competitor;
  fused: Competitor;
}

/** What {@link twoStagePairs} times. @example `{ run, video, startVideo, chain, stage, names: { run: 'visionpipe run', video: 'visionpipe runForVideo' } }` */
export interface TwoStageBench {
  /** One `run` call; returns its timing. */
  run: () => Promise<Timing>;
  /** One `runForVideo` call on a followed subject; returns its timing. */
  video: () => Promise<Timing>;
  /** Resets video mode and runs its first frame (the one that detects), untimed. */
  startVideo: () => Promise<void>;
  /** The raw detector + landmark chain. */
  chain: RawPair;
  /** The raw landmark model alone. */
  stage: RawPair;
  /** What to call the rows. */
  names: { run: string; video: string };
}

/**
 * The paired rows (run, chain fused, chain as converted, video, stage fused, stage as converted)
 * and the summary lines both two-stage benches print, plus the own-work ratios.
 *
 * @example `const { rows, summary, worst, ownWorst } = await twoStagePairs(bench, plan, tf);`
 */
export async function twoStagePairs(bench: TwoStageBench, plan: Plan, tfjs: typeof tf): Promise<{ rows: Stats[]; summary: Record<string, number | string>; worst: number; ownWorst: number; leaked: number }> {
  const timings: Record<'run' | 'video', Timing[]> = { run: [], video: [] };
  const run: Competitor = { name: bench.names.run, fn: async () => void timings.run.push(await bench.run()) };
  const video: Competitor = { name: bench.names.video, fn: async () => void timings.video.push(await bench.video()) };
  const before = tfjs.memory().numTensors;
  const pairedRun = await compare([run, bench.chain.fused, bench.chain.converted], plan, bench.chain.converted.name);
  await bench.startVideo();
  const pairedVideo = await compare([video, bench.stage.fused, bench.stage.converted], plan, bench.stage.converted.name);
  const leaked = tfjs.memory().numTensors - before;
  const ownRun = pairedRatio(pairedRun[0], pairedRun[1]);
  const ownVideo = pairedRatio(pairedVideo[0], pairedVideo[1]);
  return {
    rows: [...pairedRun, ...pairedVideo],
    summary: {
      'visionpipe run / raw as converted, detector + landmarks (paired)': pairedRun[0].ratio,
      'visionpipe runForVideo / raw as converted, landmarks (paired)': pairedVideo[0].ratio,
      'raw fused / raw as converted, run | runForVideo (load-time fusion)': `${pairedRun[1].ratio.toFixed(3)} | ${pairedVideo[1].ratio.toFixed(3)}`,
      'own work: visionpipe / raw fused, run | runForVideo': `${ownRun.toFixed(3)} | ${ownVideo.toFixed(3)}`,
      'within-call total / inference, run | runForVideo': `${withinCall(timings.run).toFixed(3)} | ${withinCall(timings.video).toFixed(3)}`,
      'ms outside inference per call, run | runForVideo': `${outsideInference(timings.run).toFixed(2)} | ${outsideInference(timings.video).toFixed(2)}`,
    },
    worst: Math.max(pairedRun[0].ratio, pairedVideo[0].ratio),
    ownWorst: Math.max(ownRun, ownVideo),
    leaked,
  };
}

/**
 * A competitor that runs a whole clip frame by frame (`each(i)` analyses frame `i` and returns
 * how many subjects it found), recording the count in `found[name]`.
 *
 * @example `over('visionpipe runForVideo', 8, async (i) => (await p.runForVideo(clip[i], t += 33)).poses.length, found)`
 */
export function overClip(name: string, frames: number, each: (i: number) => Promise<number>, found: Record<string, number>): Competitor {
  return {
    name,
    fn: async () => {
      let n = 0;
      for (let i = 0; i < frames; i++) n += await each(i);
      found[name] = n;
    },
  };
}

/** Frames per second of a clip competitor (frames / its median ms per clip). @example `framesPerSecond(stats, 'visionpipe runForVideo', 8)` */
export function framesPerSecond(stats: readonly Stats[], name: string, frames: number): string {
  return ((frames * 1000) / (stats.find((s) => s.name === name)?.median ?? NaN)).toFixed(1);
}
