/**
 * Reads the `metadata_props` (key/value strings) of an ONNX `ModelProto` straight from the
 * protobuf bytes, without a protobuf library: exporters store useful facts there, e.g.
 * Ultralytics' `names` (class names), `imgsz`, `stride`, `task`. Malformed bytes yield `{}`.
 *
 * @example
 * ```ts
 * const meta = readOnnxMetadata(bytes); // { names: "{0: 'person', 1: 'bicycle', …}", imgsz: '[640, 640]', … }
 * ```
 */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const field of fields(bytes, 0, bytes.length)) {
      if (field.number !== 14 || field.end === undefined) continue; // ModelProto.metadata_props
      let key = '';
      let value = '';
      for (const entry of fields(bytes, field.start, field.end)) {
        if (entry.end === undefined) continue;
        const text = new TextDecoder().decode(bytes.subarray(entry.start, entry.end));
        if (entry.number === 1) key = text;
        else if (entry.number === 2) value = text;
      }
      if (key) out[key] = value;
    }
    return out;
  } catch {
    return {};
  }
}

interface Field {
  number: number;
  /** Start of a length-delimited payload (or of the value for other wire types). */
  start: number;
  /** End of a length-delimited payload; undefined for other wire types. */
  end?: number;
}

function* fields(bytes: Uint8Array, from: number, to: number): Generator<Field> {
  let pos = from;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= to) throw new Error('truncated varint');
      const byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Error('varint too long');
    }
  };
  while (pos < to) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    const start = pos;
    if (wire === 0) {
      varint();
      yield { number, start };
    } else if (wire === 1) {
      pos += 8;
      yield { number, start };
    } else if (wire === 2) {
      const length = varint();
      const begin = pos;
      pos += length;
      if (pos > to) throw new Error('truncated field');
      yield { number, start: begin, end: pos };
    } else if (wire === 5) {
      pos += 4;
      yield { number, start };
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

/**
 * Parses Ultralytics' `names` metadata (a Python dict literal such as
 * `{0: 'person', 1: "traffic light"}`) into a label list; `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseClassNames("{0: 'cat', 1: 'dog'}"); // ['cat', 'dog']
 * ```
 */
export function parseClassNames(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const labels: string[] = [];
  const entry = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (const match of text.matchAll(entry)) labels[Number(match[1])] = match[2] ?? match[3];
  if (labels.length === 0) return undefined;
  return Array.from(labels, (label, i) => label ?? `class ${i}`);
}
