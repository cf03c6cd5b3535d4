// Seeded mutations of files for the fuzz test: bit flips, truncations, overwritten runs of
// random bytes, inserted bytes, and (for JSON files) hostile values put at random places in
// the parsed document. A mutation is fully determined by its seed, so any case replays.

/** A deterministic pseudo-random generator (mulberry32) over 32-bit seeds. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

/** A mutated copy of a file and what was done to it (for the failure report). */
export interface Mutation {
  bytes: Uint8Array;
  description: string;
}

/** A position biased towards the start of the file, where headers (sizes, counts) live. */
function position(rng: Rng, length: number): number {
  return rng.next() < 0.5 ? rng.int(Math.min(length, 256)) : rng.int(length);
}

/**
 * One seeded byte-level mutation of `original`: 1–8 bit flips, a truncation, a run of 1–64
 * random bytes written over the file, or 1–64 random bytes inserted.
 *
 * @example
 * ```ts
 * const { bytes, description } = mutateBytes(jpeg, 17);
 * ```
 */
export function mutateBytes(original: Uint8Array, seed: number): Mutation {
  const rng = new Rng(seed);
  const bytes = Uint8Array.from(original);
  const kind = rng.pick(['flip', 'truncate', 'overwrite', 'insert'] as const);
  if (kind === 'flip') {
    const flips = 1 + rng.int(8);
    const at: number[] = [];
    for (let i = 0; i < flips; i++) {
      const p = position(rng, bytes.length);
      bytes[p] ^= 1 << rng.int(8);
      at.push(p);
    }
    return { bytes, description: `flipped bits at bytes ${at.join(',')}` };
  }
  if (kind === 'truncate') {
    const length = rng.int(bytes.length);
    return { bytes: bytes.slice(0, length), description: `truncated to ${length} of ${bytes.length} bytes` };
  }
  const run = rng.bytes(1 + rng.int(64));
  const p = position(rng, bytes.length);
  if (kind === 'overwrite') {
    bytes.set(run.subarray(0, bytes.length - p), p);
    return { bytes, description: `overwrote ${run.length} bytes at ${p} with random bytes` };
  }
  const out = new Uint8Array(bytes.length + run.length);
  out.set(bytes.subarray(0, p));
  out.set(run, p);
  out.set(bytes.subarray(p), p + run.length);
  return { bytes: out, description: `inserted ${run.length} random bytes at ${p}` };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values a hostile or broken file might hold where a model file or card expects something else. */
const HOSTILE: readonly Json[] = [
  null, true, 0, -1, 2.5, 1e9, -1e300, 1e308, '', 'NaN', 'Infinity', '../../../../../../etc/passwd', 'file:///etc/passwd',
  'http://127.0.0.1:9/x', '%00', 'x'.repeat(5000), [], [[]], {}, [1, 2, 3], ['a'],
  // an own "__proto__" key, as JSON.parse makes it: must not pollute prototypes
  JSON.parse('{"__proto__": {"polluted": true}}') as Json,
];

function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    // long arrays (weights lists, labels): a few entries stand for all
    value.slice(0, 8).forEach((item, i) => {
      out.push([...prefix, i]);
      paths(item, [...prefix, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      out.push([...prefix, key]);
      paths(value[key], [...prefix, key], out);
    }
  }
  return out;
}

/**
 * One seeded structural mutation of a JSON document: 1–3 values somewhere in it replaced by
 * hostile values (wrong types, negative or huge numbers, path escapes, long strings) or
 * deleted.
 *
 * @example
 * ```ts
 * const { bytes, description } = mutateJson(cardText, 5);
 * ```
 */
export function mutateJson(text: string, seed: number): Mutation {
  const rng = new Rng(seed);
  const doc = JSON.parse(text) as Json;
  const all = paths(doc);
  const changes: string[] = [];
  const count = 1 + rng.int(3);
  for (let i = 0; i < count && all.length > 0; i++) {
    const path = rng.pick(all);
    let parent = doc as Record<string | number, Json>;
    for (const key of path.slice(0, -1)) parent = (parent?.[key] ?? null) as Record<string | number, Json>;
    if (parent === null || typeof parent !== 'object') continue;
    const key = path[path.length - 1];
    if (rng.next() < 0.2 && !Array.isArray(parent)) {
      delete parent[key];
      changes.push(`deleted ${path.join('.')}`);
    } else {
      const value = rng.pick(HOSTILE);
      parent[key] = value;
      changes.push(`${path.join('.')} = ${JSON.stringify(value)?.slice(0, 40)}`);
    }
  }
  return { bytes: new TextEncoder().encode(JSON.stringify(doc)), description: changes.join('; ') || 'unchanged' };
}

const CRC_TABLE = /* @__PURE__ */ Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Rewrites the CRC of every complete PNG chunk so that a mutated PNG passes the decoder's
 * checksum tests and its mutated fields (width, height, bit depth, colour type, compressed
 * data) reach the decoder itself. Bytes after the last complete chunk are kept as they are.
 *
 * @example
 * ```ts
 * const deep = withPngCrcs(mutateBytes(png, 3).bytes);
 * ```
 */
export function withPngCrcs(png: Uint8Array): Uint8Array {
  const out = Uint8Array.from(png);
  const view = new DataView(out.buffer);
  let at = 8; // after the signature
  while (at + 12 <= out.length) {
    const length = view.getUint32(at);
    const end = at + 8 + length;
    if (end + 4 > out.length) break;
    view.setUint32(end, crc32(out.subarray(at + 4, end)));
    at = end + 4;
  }
  return out;
}
