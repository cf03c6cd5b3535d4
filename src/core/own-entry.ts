/**
 * A table's own entry for a key that comes from outside (a card's `family`, a model graph's op
 * name): `undefined` for names every object inherits (`constructor`, `__proto__`, `toString`),
 * which a plain `table[key]` would find.
 *
 * @example
 * ```ts
 * const decode = ownEntry(DETECTION_DECODERS, spec.family); // undefined for 'constructor'
 * ```
 */
export function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
