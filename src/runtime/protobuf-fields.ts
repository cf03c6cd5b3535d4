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

/**
 * The fields of a protobuf message in `bytes[from, to)`, read from the wire format without a
 * protobuf library (varint, 64-bit, length-delimited and 32-bit fields). Throws an `Error` on
 * malformed bytes (a truncated field, an unknown wire type): callers decide what that means.
 *
 * @example
 * ```ts
 * for (const field of protobufFields(bytes, 0, bytes.length)) if (field.number === 7) readGraph(field);
 * ```
 */
export function* protobufFields(bytes: Uint8Array, from: number, to: number): Generator<ProtobufField> {
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
