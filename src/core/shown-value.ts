/**
 * Looking at option values for error messages: how a bad value is shown, and whether options
 * are an object at all.
 */
/** Longest string a message quotes before cutting it short. */
const MAX_SHOWN = 80;

/**
 * A value as an error message shows it: strings quoted (so that `"2"` is told from `2`) and cut
 * short after 80 characters, functions, arrays and other objects by their kind, everything
 * else as `String` gives it.
 *
 * @example
 * ```ts
 * `maxHands is ${shownValue('2')}`; // 'maxHands is "2"'
 * shownValue({});                   // 'an object'
 * ```
 */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN)}…"` : quoted;
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/**
 * A list as an error message shows it, entry by entry (`[1, -1]`, `["a", null]`); anything that
 * is not an array as {@link shownValue} shows it.
 *
 * @example
 * ```ts
 * `classes is ${shownList([0.5])}`; // 'classes is [0.5]'
 * ```
 */
export function shownList(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(shownValue).join(', ')}]` : shownValue(value);
}

/** An object that is no plain object or array by its class and size: `a Float32Array(2000000)`, `a Map(3)`, a Date's time. */
function kindOf(value: object): string {
  if (ArrayBuffer.isView(value)) return `${typeName(value)}(${'length' in value ? String(value.length) : `${value.byteLength} bytes`})`;
  if (value instanceof Map || value instanceof Set) return `${typeName(value)}(${value.size})`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : `a Date (${value.toISOString()})`;
  return typeName(value);
}

/** Entries of an array or object, and levels of nesting, that {@link shownData} writes out. */
const MAX_ENTRIES = 8;
const MAX_DEPTH = 3;

/**
 * A value as an error message shows it, arrays and plain objects written out (`[1, NaN, 3n]`,
 * `{ x1: 0, y1: NaN }`) — where `JSON.stringify` shows NaN as `null` and throws on a BigInt or a
 * cycle. Long or deep values are cut short (`…`); primitives are shown as {@link shownValue} shows them.
 *
 * @example
 * ```ts
 * `fill is ${shownData([1, 2, Infinity])}`; // 'fill is [1, 2, Infinity]'
 * ```
 */
export function shownData(value: unknown): string {
  const open = new Set<object>();
  const show = (v: unknown, depth: number): string => {
    if (typeof v !== 'object' || v === null) return shownValue(v);
    if (open.has(v)) return '(itself)';
    if (depth >= MAX_DEPTH) return shownValue(v);
    if (!Array.isArray(v) && ![Object.prototype, null].includes(Object.getPrototypeOf(v))) return kindOf(v);
    open.add(v);
    try {
      if (Array.isArray(v)) {
        const items = v.slice(0, MAX_ENTRIES).map((item) => show(item, depth + 1));
        return `[${items.join(', ')}${v.length > MAX_ENTRIES ? ', …' : ''}]`;
      }
      const keys = Object.keys(v);
      const entries = keys.slice(0, MAX_ENTRIES).map((key) => `${key}: ${show((v as Record<string, unknown>)[key], depth + 1)}`);
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')}${keys.length > MAX_ENTRIES ? ', …' : ''} }`;
    } finally {
      open.delete(v);
    }
  };
  let shown: string;
  try {
    shown = show(value, 0);
  } catch {
    // a getter that throws, a revoked proxy (which even Array.isArray throws on)
    try {
      return shownValue(value);
    } catch {
      return 'an object';
    }
  }
  return shown.length > 2 * MAX_SHOWN ? `${shown.slice(0, 2 * MAX_SHOWN)}…` : shown;
}

/**
 * What kind of value something is, for messages about a wrong type: an object by its class
 * (`a Uint8ClampedArray`, `a Float32Array`), arrays as `an array`, anything else as
 * {@link shownValue} shows it.
 *
 * @example
 * ```ts
 * `toUint8Array() returned ${typeName(new Uint8ClampedArray(4))}`; // '… returned a Uint8ClampedArray'
 * ```
 */
export function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  const name = typeof value === 'object' && value !== null ? (value as { constructor?: { name?: unknown } }).constructor?.name : undefined;
  return typeof name === 'string' && name !== 'Object' && name !== '' ? `a ${name}` : shownValue(value);
}

/**
 * Whether a value is an object that options or settings can be read from: not `null`, not an
 * array, not a primitive.
 *
 * @example
 * ```ts
 * if (!isOptionsObject(options)) throw new VisionError('INVALID_OPTION', `options are ${shownValue(options)}`);
 * ```
 */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
