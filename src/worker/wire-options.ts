// Options on their way to a worker: they cross by structured clone, which refuses functions and
// symbols, so they are checked here, where the option can still be named.
import { VisionError, describeError } from '../core/errors';

/** What options sent to a worker may hold, for the messages. */
const ALLOWED = 'options sent to a worker must be data (numbers, strings, booleans, arrays, plain objects, typed arrays, bytes)';

/** Where in `value` a function or symbol sits (as `path`, `path.key`, `path[2]`), or null where none does. */
function unsendableAt(value: unknown, path: string, seen: Set<object>): { path: string; kind: string } | null {
  if (typeof value === 'function' || typeof value === 'symbol') return { path, kind: `a ${typeof value}` };
  if (typeof value !== 'object' || value === null || seen.has(value) || ArrayBuffer.isView(value)) return null;
  seen.add(value);
  const entries: [string, unknown][] =
    value instanceof Map || value instanceof Set
      ? [...value.entries()].flatMap(([k, v], i): [string, unknown][] => [[`${path}[key ${i}]`, k], [`${path}[${i}]`, v]])
      : Object.entries(value).map(([k, v]) => [Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`, v]);
  for (const [at, item] of entries) {
    const found = unsendableAt(item, at, seen);
    if (found) return found;
  }
  return null;
}

/** Whether `value` is plain data — primitives, plain objects, arrays, bytes — which structured clone always takes. */
function plainData(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || seen.has(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return false;
  seen.add(value);
  return Object.values(value).every((item) => plainData(item, seen));
}

/**
 * Why structured clone refuses `value` (a `WeakMap`, a `Promise`, a DOM node …), or null where it
 * takes it. Plain data (a run's usual options) is taken without trying; bytes are never copied.
 */
function uncloneable(value: unknown): string | null {
  if (plainData(value, new Set()) || typeof structuredClone !== 'function') return null;
  try {
    structuredClone(value);
    return null;
  } catch (error) {
    return describeError(error);
  }
}

/** `value` with every `URL` in it (in plain objects and arrays) as its text: a URL loses its class when cloned (`{}` in Node). */
function urlsAsText(value: unknown): unknown {
  if (value instanceof URL) return value.href;
  if (Array.isArray(value)) return value.map(urlsAsText);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, urlsAsText(v)]));
  }
  return value;
}

/**
 * The creation options a worker is sent: all but the calling side's own (`worker`, `workerUrl`,
 * the limits, `signal`, `onProgress`), with URLs as their text. A function or symbol anywhere in
 * them, or a loaded runner as `model`, is `INVALID_OPTION` naming the option.
 *
 * @example
 * ```ts
 * const wire = wireOptions({ threshold: 0.4, worker: true }, new Set(['worker'])); // { threshold: 0.4 }
 * ```
 */
export function wireOptions(options: Record<string, unknown>, local: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (local.has(key) || value === undefined) continue;
    if (key === 'model' && typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function') {
      throw new VisionError('INVALID_OPTION', "option 'model' is a loaded runner, which cannot be sent to a worker (it stays in its thread); pass a catalogue id, a model card or model bytes");
    }
    const found = unsendableAt(value, key, new Set());
    if (found) throw new VisionError('INVALID_OPTION', `option '${found.path}' is ${found.kind}, which cannot be sent to a worker; ${ALLOWED}`);
    const wire = urlsAsText(value);
    const refused = uncloneable(wire);
    if (refused) throw new VisionError('INVALID_OPTION', `option '${key}' cannot be sent to a worker (${refused}); ${ALLOWED}`);
    out[key] = wire;
  }
  return out;
}

/**
 * Checks a run's options before they are sent: a function or symbol anywhere in them, or a
 * value structured clone refuses (a `WeakMap`, a `Promise` …), is `INVALID_OPTION` naming the
 * option (what else is wrong with them the worker's pipeline says).
 *
 * @example
 * ```ts
 * checkRunOptions({ threshold: 0.5 }); // passes
 * checkRunOptions({ onBox: () => 1 }); // throws INVALID_OPTION: run option 'onBox' is a function…
 * ```
 */
export function checkRunOptions(options: unknown): void {
  if (typeof options === 'function' || typeof options === 'symbol') throw new VisionError('INVALID_OPTION', `run options are a ${typeof options}; they must be an object, and ${ALLOWED}`);
  const found = unsendableAt(options, '', new Set());
  if (found) throw new VisionError('INVALID_OPTION', `run option '${found.path.replace(/^\./, '')}' is ${found.kind}, which cannot be sent to a worker; ${ALLOWED}`);
  if (typeof options !== 'object' || options === null) return;
  for (const [key, value] of Object.entries(options)) {
    const refused = uncloneable(value);
    if (refused) throw new VisionError('INVALID_OPTION', `run option '${key}' cannot be sent to a worker (${refused}); ${ALLOWED}`);
  }
}
