/** Test helper: protobuf wire-format bytes written by hand, for crafted ONNX files. */

/** `value` as a protobuf varint (7 bits a byte, low first). @example `varint(300); // [0xac, 0x02]` */
export function varint(value: number): number[] {
  const out: number[] = [];
  let n = value;
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
}

/** A field's tag: its number and wire type. @example `tag(7, 2); // [0x3a]` */
export const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);
/** A length-delimited field holding `payload`. @example `message(7, text(1, 'x'))` */
export const message = (field: number, payload: number[]): number[] => [...tag(field, 2), ...varint(payload.length), ...payload];
/** A length-delimited field holding UTF-8 `value`. @example `text(1, 'location')` */
export const text = (field: number, value: string): number[] => message(field, [...Buffer.from(value)]);
/** A varint field. @example `number(1, 1)` */
export const number = (field: number, value: number): number[] => [...tag(field, 0), ...varint(value)];
