// Reading protobuf messages (ONNX models) field by field, straight from their bytes.
/**
 * One field of a protobuf message: its number and where its payload lies.
 *
 * @example
 * ```ts
 * const field: ProtobufField = { number: 14, start: 10, end: 42 };
 * ```
 */
export interface ProtobufField {
  number: number;
  /** Start of a length-delimited payload (or of the value for other wire types). */
  start: number;
  /** End of a length-delimited payload; undefined for other wire types. */
  end?: number;
}

/** protobuf's default recursion limit: groups nested deeper are refused by protobuf C++ too. */
const MAX_GROUP_DEPTH = 100;

/**
 * The fields of a protobuf message in `bytes[from, to)`, read from the wire format without a
 * protobuf library, as protobuf C++ (onnxruntime's parser) reads them: varint, 64-bit,
 * length-delimited and 32-bit fields; groups (wire types 3 and 4) skipped whole, to their
 * matching end; tags of up to 5 bytes cut to 32 bits (an over-long tag names the field its low
 * 32 bits do). Throws an `Error` on bytes protobuf C++ refuses too (a truncated field or group,
 * a longer tag, field number 0, an unmatched end of group, wire types 6 and 7): callers decide
 * what that means.
 *
 * @example
 * ```ts
 * for (const field of protobufFields(bytes, 0, bytes.length)) if (field.number === 7) readGraph(field);
 * ```
 */
export function* protobufFields(bytes: Uint8Array, from: number, to: number): Generator<ProtobufField> {
  let pos = from;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (pos >= to) throw new Error('truncated varint');
      const byte = bytes[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('varint too long');
  };
  /** A tag: at most 5 bytes, its value cut to 32 bits (what protobuf C++'s `ReadTag` does). */
  const tag = (): { number: number; wire: number } => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 28) throw new Error('tag longer than 5 bytes');
      if (pos >= to) throw new Error('truncated tag');
      const byte = bytes[pos++];
      value = (value + (byte & 0x7f) * 2 ** shift) % 2 ** 32;
      if ((byte & 0x80) === 0) break;
    }
    const number = Math.floor(value / 8);
    if (number === 0) throw new Error('field number 0');
    return { number, wire: value % 8 };
  };
  const skip = (bytesLong: number): void => {
    pos += bytesLong;
    if (pos > to) throw new Error('truncated field');
  };
  /** Skips a length-delimited payload; gives where it starts. */
  const lengthDelimited = (): number => {
    const length = varint();
    const begin = pos;
    skip(length);
    return begin;
  };
  /** Skips the payload of a field of wire type 0, 1, 2 or 5. */
  const skipValue = (wire: number): void => {
    if (wire === 0) varint();
    else if (wire === 1) skip(8);
    else if (wire === 2) lengthDelimited();
    else if (wire === 5) skip(4);
    else throw new Error(`unsupported wire type ${wire}`);
  };
  /** Skips a group (and the groups inside it) up to its end-group tag. */
  const skipGroup = (number: number): void => {
    const open = [number];
    while (open.length > 0) {
      if (pos >= to) throw new Error(`group ${open[open.length - 1]} has no end`);
      const inner = tag();
      if (inner.wire === 4) {
        if (inner.number !== open.pop()) throw new Error(`end of group ${inner.number} does not match its start`);
      } else if (inner.wire === 3) {
        open.push(inner.number);
        if (open.length > MAX_GROUP_DEPTH) throw new Error(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
      } else skipValue(inner.wire);
    }
  };
  while (pos < to) {
    const { number, wire } = tag();
    const start = pos;
    if (wire === 2) {
      const begin = lengthDelimited();
      yield { number, start: begin, end: pos };
      continue;
    }
    if (wire === 3) skipGroup(number);
    else if (wire === 4) throw new Error(`end of group ${number} outside a group`);
    else skipValue(wire);
    yield { number, start };
  }
}
