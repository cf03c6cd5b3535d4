import { VisionError } from '../core/errors';
import type { GpuAdapterFacts } from './gpu-adapter';
import { shownData } from '../core/shown-value';

/**
 * When a progressive pipeline hands the frames to its preferred backend.
 *
 * - `switchWhen: 'faster'` (default): once warm, the preferred backend runs `switchTrials`
 *   timed runs on copies of real frames (in the background, while the fallback serves); it
 *   takes over only if the median of those runs is at most `(1 - switchMargin)` × the median
 *   of the fallback's last {@link RECENT_FALLBACK_FRAMES} frames (both timed the same way: from
 *   sending the frame to the worker to its result). Otherwise the fallback keeps serving and the
 *   preferred worker is freed. A software WebGPU adapter (SwiftShader, llvmpipe: shaders run
 *   on the CPU, where they compete with the fallback) is kept out without a warm-up unless
 *   `allowSoftwareGpu` is true — unless the fallback cannot start.
 * - `switchWhen: 'ready'`: the preferred backend takes over as soon as it is warm, whatever
 *   its speed or adapter.
 *
 * @example
 * ```ts
 * const policy: SwitchPolicy = { switchWhen: 'faster', switchMargin: 0.1, switchTrials: 3, allowSoftwareGpu: false };
 * ```
 */
export interface SwitchPolicy {
  switchWhen: 'faster' | 'ready';
  /** How much faster (a fraction, 0 ≤ margin < 1) the preferred backend must be; default 0.1 (10 %). */
  switchMargin: number;
  /** Timed runs of the warm preferred backend before deciding (1–20); default 3. */
  switchTrials: number;
  /** Whether a software WebGPU adapter may take over when it measures faster; default false. */
  allowSoftwareGpu: boolean;
}

/** The defaults of {@link SwitchPolicy}. @example `const { switchMargin } = DEFAULT_SWITCH_POLICY;` */
export const DEFAULT_SWITCH_POLICY: Readonly<SwitchPolicy> = { switchWhen: 'faster', switchMargin: 0.1, switchTrials: 3, allowSoftwareGpu: false };

/** How many of the fallback's latest frames its speed is measured over. @example `RECENT_FALLBACK_FRAMES === 5` */
export const RECENT_FALLBACK_FRAMES = 5;

/**
 * Whether the progressive pipeline moved to its preferred backend, with the speeds it measured.
 *
 * @example
 * ```ts
 * const { decision, reason, preferredMs, fallbackMs } = progressive.stats().switch ?? {};
 * ```
 */
export interface SwitchDecision {
  /** The fallback backend (serving until then) and the preferred one. */
  readonly from: string;
  readonly to: string;
  readonly decision: 'switched' | 'kept';
  readonly reason: string;
  /** Median ms per frame of the preferred backend's timed runs (null when it was not timed). */
  readonly preferredMs: number | null;
  /** Median ms per frame of the fallback's latest frames (null when it served none). */
  readonly fallbackMs: number | null;
  /** The frames counted when the decision was made. */
  readonly atFrame: number;
}

/**
 * A complete {@link SwitchPolicy} from the given fields.
 *
 * @throws VisionError `INVALID_OPTION` for a value out of range.
 *
 * @example
 * ```ts
 * const policy = resolveSwitchPolicy({ allowSoftwareGpu: true });
 * ```
 */
export function resolveSwitchPolicy(given: Partial<SwitchPolicy> = {}): SwitchPolicy {
  const policy: SwitchPolicy = { ...DEFAULT_SWITCH_POLICY };
  for (const key of Object.keys(DEFAULT_SWITCH_POLICY) as (keyof SwitchPolicy)[]) {
    if (given[key] !== undefined) Object.assign(policy, { [key]: given[key] });
  }
  const { switchWhen, switchMargin, switchTrials, allowSoftwareGpu } = policy;
  if (switchWhen !== 'faster' && switchWhen !== 'ready') throw new VisionError('INVALID_OPTION', `switchWhen must be 'faster' or 'ready'; got ${shownData(switchWhen)}`);
  if (typeof switchMargin !== 'number' || !(switchMargin >= 0 && switchMargin < 1)) throw new VisionError('INVALID_OPTION', `switchMargin must be a fraction from 0 up to (not including) 1, e.g. 0.1 for 10 % faster; got ${String(switchMargin)}`);
  if (!Number.isInteger(switchTrials) || switchTrials < 1 || switchTrials > 20) throw new VisionError('INVALID_OPTION', `switchTrials must be a whole number of runs from 1 to 20; got ${String(switchTrials)}`);
  if (typeof allowSoftwareGpu !== 'boolean') throw new VisionError('INVALID_OPTION', `allowSoftwareGpu must be true or false; got ${String(allowSoftwareGpu)}`);
  return policy;
}

/** The median of some timings (null for none). @example `median([3, 1, 2]) === 2` */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Why a software adapter is kept out under `policy` (null when it may compete).
 *
 * @example
 * ```ts
 * const why = softwareAdapterVeto(policy, preferred.runner.gpuAdapter);
 * ```
 */
export function softwareAdapterVeto(policy: SwitchPolicy, adapter: GpuAdapterFacts | null | undefined): string | null {
  if (policy.switchWhen === 'ready' || policy.allowSoftwareGpu || !adapter?.software) return null;
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter((part) => part !== '').join(' ') || 'unnamed';
  return `the preferred backend's WebGPU adapter (${name}) is a software renderer that runs on the CPU; pass allowSoftwareGpu: true to time it against the fallback anyway`;
}

/**
 * The measured verdict of {@link SwitchPolicy} `'faster'`: switch when the preferred runs'
 * median is at most `(1 - switchMargin)` × the fallback frames' median.
 *
 * @example
 * ```ts
 * decideBySpeed(policy, [12, 11, 13], [40, 38, 42]); // { decision: 'switched', preferredMs: 12, fallbackMs: 40, … }
 * ```
 */
export function decideBySpeed(policy: SwitchPolicy, preferredRuns: readonly number[], fallbackFrames: readonly number[]): Pick<SwitchDecision, 'decision' | 'reason' | 'preferredMs' | 'fallbackMs'> {
  const preferredMs = median(preferredRuns);
  const fallbackMs = median(fallbackFrames);
  if (preferredMs === null || fallbackMs === null) throw new VisionError('INVALID_INPUT', 'decideBySpeed needs at least one timing of each backend');
  const limit = fallbackMs * (1 - policy.switchMargin);
  const shown = `${preferredMs.toFixed(1)} ms vs ${fallbackMs.toFixed(1)} ms per frame`;
  const margin = `${Math.round(policy.switchMargin * 100)} %`;
  return preferredMs <= limit
    ? { decision: 'switched', reason: `measured faster: ${shown} (needs ${margin} faster)`, preferredMs, fallbackMs }
    : { decision: 'kept', reason: `not faster by ${margin}: ${shown}`, preferredMs, fallbackMs };
}
