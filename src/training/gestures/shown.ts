/** Longest value text a message shows before it is cut short. */
const MAX_SHOWN = 80;

/**
 * A bad value as an error message shows it: strings in single quotes (so that `'2'` is told
 * from `2`), arrays and objects as JSON, everything else as `String` gives it; cut short
 * after 80 characters.
 *
 * @example
 * ```ts
 * `k is ${shown('3')}; it must be a positive integer`; // "k is '3'; …"
 * ```
 */
export function shown(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : typeof value === 'object' && value !== null ? asJson(value) : String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

function asJson(value: object): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
