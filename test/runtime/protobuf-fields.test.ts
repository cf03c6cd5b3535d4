// The protobuf field reader must read every byte as protobuf C++ (onnxruntime's parser) does:
// a file it reads differently could hide a field from the scans built on it.
import { describe, expect, it } from 'vitest';
import { type ProtobufField, protobufFields } from '../../src/runtime/protobuf-fields';
import { tag, text, varint } from '../helpers/protobuf-writer';

const read = (bytes: number[]): ProtobufField[] => [...protobufFields(Uint8Array.from(bytes), 0, bytes.length)];
const numbers = (bytes: number[]): number[] => read(bytes).map((f) => f.number);

describe('protobufFields', () => {
  it('reads varint, 64-bit, length-delimited and 32-bit fields', () => {
    const bytes = [...tag(1, 0), ...varint(300), ...tag(2, 1), ...Array(8).fill(7), ...text(3, 'abc'), ...tag(4, 5), 1, 2, 3, 4];
    expect(read(bytes)).toEqual([
      { number: 1, start: 1 },
      { number: 2, start: 4 },
      { number: 3, start: 14, end: 17 },
      { number: 4, start: 18 },
    ]);
  });

  it('skips a group whole, groups inside it and what would be fields included, to its matching end', () => {
    const inner = [...tag(6, 3), ...text(7, 'hidden'), ...tag(1, 0), 5, ...tag(6, 4)];
    const bytes = [...text(1, 'a'), ...tag(1000, 3), ...text(7, 'hidden'), ...inner, ...tag(2, 1), ...Array(8).fill(0), ...tag(1000, 4), ...text(7, 'seen')];
    expect(numbers(bytes)).toEqual([1, 1000, 7]);
    expect(read(bytes)[2].end).toBe(bytes.length);
    expect(numbers([...tag(5, 3), ...tag(5, 4)])).toEqual([5]);
  });

  it('cuts an over-long tag to its low 32 bits, as protobuf C++ does', () => {
    // field 7, wire type 2, as a 5-byte varint with bits 32 to 34 set
    expect(read([0xba, 0x80, 0x80, 0x80, 0x10, 1, 0x41])).toEqual([{ number: 7, start: 6, end: 7 }]);
    expect(read([0xba, 0x80, 0x80, 0x80, 0x70, 1, 0x41])).toEqual([{ number: 7, start: 6, end: 7 }]);
    // the largest field number, 2^29 - 1
    expect(numbers([...tag(2 ** 29 - 1, 0), 0])).toEqual([2 ** 29 - 1]);
  });

  it('throws on bytes protobuf C++ refuses too', () => {
    const refused: Record<string, number[]> = {
      'wire type 6': tag(1, 6),
      'wire type 7': tag(1, 7),
      'field number 0': [0x02, 0x00],
      'field number 0 once cut to 32 bits': [0x82, 0x80, 0x80, 0x80, 0x10, 0x00],
      'an end of group outside a group': tag(3, 4),
      'an end of group that does not match': [...tag(3, 3), ...tag(4, 4)],
      'a group with no end': [...tag(3, 3), ...tag(1, 0), 1],
      'groups nested deeper than 100': [...Array.from({ length: 101 }, () => tag(3, 3)).flat(), ...Array.from({ length: 101 }, () => tag(3, 4)).flat()],
      'a tag longer than 5 bytes': [0xba, 0x80, 0x80, 0x80, 0x80, 0x00, 1, 0x41],
      'a cut 64-bit field': [...tag(1, 1), 1, 2, 3],
      'a cut 32-bit field': [...tag(1, 5), 1, 2, 3],
      'a cut length-delimited field': [...tag(1, 2), 5, 1, 2],
      'a cut varint': [...tag(1, 0), 0x80],
      'a varint of 11 bytes': [...tag(1, 0), ...Array(10).fill(0x80), 0],
    };
    for (const [what, bytes] of Object.entries(refused)) expect(() => read(bytes), what).toThrow();
    expect(numbers([...Array.from({ length: 100 }, () => tag(3, 3)).flat(), ...Array.from({ length: 100 }, () => tag(3, 4)).flat()])).toEqual([3]);
  });
});
