// ONNX external data: tensors an ONNX model keeps in files beside it. onnxruntime, given the
// model as bytes, looked for them in the working directory (any name there was read into the
// weights); visionpipe now reads them itself from the model's folder, with the shard checks.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/node/index';
import { onnxExternalData, readOnnxExternalData } from '../../src/runtime/onnx-external-data';
import { expectVisionError, tempDir } from './helpers';
import { message, number, tag, text, varint } from '../helpers/protobuf-writer';


/** A tag as a 5-byte varint with bit 32 set: protobuf C++ cuts it to its low 32 bits, the tag itself. */
const overlong = (field: number, wire: number): number[] => [(field * 8 + wire) | 0x80, 0x80, 0x80, 0x80, 0x10];

/** How a crafted model writes its fields: tags of its graph and initializer, bytes after the graph, the op, offset and length. */
interface Encoding {
  graphTag?: number[];
  initializerTag?: number[];
  trailer?: number[];
  op?: string;
  offset?: string;
  length?: string;
  /** A second initializer, W2, of the same bytes kept in this file. */
  alsoAt?: string;
}

/** An ONNX model (IR 8, opset 13) whose output Y is Identity of a uint8 initializer W of `length` bytes kept in the file `location`. */
function externalModel(location: string, length: number, encoding: Encoding = {}): Uint8Array {
  const entry = (key: string, value: string | undefined): number[] => (value === undefined ? [] : message(13, [...text(1, key), ...text(2, value)]));
  const tensor = [...number(1, length), ...number(2, 2), ...text(8, 'W'), ...entry('location', location), ...entry('offset', encoding.offset), ...entry('length', encoding.length ?? String(length)), ...number(14, 1)];
  const node = [...text(1, 'W'), ...text(2, 'Y'), ...text(3, 'id'), ...text(4, encoding.op ?? 'Identity')];
  const output = [...text(1, 'Y'), ...message(2, message(1, [...number(1, 2), ...message(2, message(1, number(1, length)))]))];
  const second = encoding.alsoAt === undefined ? [] : [...number(1, length), ...number(2, 2), ...text(8, 'W2'), ...entry('location', encoding.alsoAt), ...entry('length', String(length)), ...number(14, 1)];
  const initializer = [...(encoding.initializerTag ?? tag(5, 2)), ...varint(tensor.length), ...tensor, ...(second.length > 0 ? [...tag(5, 2), ...varint(second.length), ...second] : [])];
  const graph = [...message(1, node), ...text(2, 'g'), ...initializer, ...message(12, output)];
  const graphField = [...(encoding.graphTag ?? tag(7, 2)), ...varint(graph.length), ...graph];
  return Uint8Array.from([...number(1, 8), ...message(8, [...text(1, ''), ...number(2, 13)]), ...graphField, ...(encoding.trailer ?? [])]);
}

const dir = tempDir('onnx-external');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function outputText(path: string): Promise<string> {
  const runner = await loadModel(path);
  try {
    const { Y } = await runner.run({});
    return Buffer.from(Array.from(Y.data as Uint8Array)).toString();
  } finally {
    runner.dispose();
  }
}

describe('ONNX external data', () => {
  it('finds the files a model keeps tensors in; malformed bytes are MODEL_FORMAT, never "no external data"', () => {
    expect(onnxExternalData(externalModel('w.data', 4, { offset: '0' }))).toEqual([{ location: 'w.data', offset: '0', length: '4' }]);
    // a function's attribute default (FunctionProto.attribute_proto) holding such a tensor
    const tensor = [...number(1, 4), ...number(2, 2), ...message(13, [...text(1, 'location'), ...text(2, 'f.data')]), ...number(14, 1)];
    const fn = [...text(1, 'f'), ...text(10, 'custom'), ...message(11, [...text(1, 'w'), ...message(5, tensor), ...number(20, 4)])];
    expect(onnxExternalData(Uint8Array.from([...externalModel('w.data', 4), ...message(25, fn)])).map((t) => t.location)).toEqual(['w.data', 'f.data']);
    const valid = externalModel('w.data', 4);
    // wire type 7, field number 0, an end of group with no start, a group with no end, a cut 64-bit field
    for (const trailer of [tag(9, 7), [0x02, 0x00], tag(1000, 4), tag(1000, 3), [...tag(9, 1), 1, 2, 3]]) {
      const bytes = Uint8Array.from([...valid, ...trailer]);
      expect(() => onnxExternalData(bytes, 'odd.onnx')).toThrow(expect.objectContaining({ code: 'MODEL_FORMAT', message: expect.stringContaining('odd.onnx is not a valid ONNX model') }));
    }
  });

  it('reads groups and over-long tags as onnxruntime does: the data comes from the model’s folder, never the working directory', async () => {
    const group = [...tag(1000, 3), ...message(7, [0xff]), ...tag(1001, 3), ...number(1, 5), ...tag(1001, 4), ...tag(1000, 4)];
    const crafted: Record<string, Encoding> = {
      group: { trailer: group },
      'overlong-graph-tag': { graphTag: overlong(7, 2) },
      'overlong-initializer-tag': { initializerTag: overlong(5, 2) },
    };
    const name = `odd-${Date.now()}.data`;
    const cwd = tempDir('onnx-cwd');
    writeFileSync(join(cwd, name), 'CWD!'); // a decoy: onnxruntime given the bytes would read this one
    mkdirSync(join(dir, 'odd'));
    const before = process.cwd();
    process.chdir(cwd);
    try {
      for (const [file, encoding] of Object.entries(crafted)) {
        const bytes = externalModel(name, 4, encoding);
        writeFileSync(join(dir, 'odd', `${file}.onnx`), bytes);
        writeFileSync(join(dir, 'odd', name), 'DATA');
        expect(await outputText(join(dir, 'odd', `${file}.onnx`)), file).toBe('DATA');
        expect(onnxExternalData(bytes), file).toEqual([{ location: name, length: '4' }]);
        rmSync(join(dir, 'odd', name));
        const error = await expectVisionError(loadModel(join(dir, 'odd', `${file}.onnx`)), 'MODEL_LOAD_FAILED');
        expect(error.message).toContain(join(dir, 'odd', name));
      }
    } finally {
      process.chdir(before);
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('a tensor past the end of its file, or of another length than its type needs, is MODEL_FORMAT naming the model', async () => {
    mkdirSync(join(dir, 'corrupt'));
    writeFileSync(join(dir, 'corrupt', 'data.bin'), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    const cases: [string, Uint8Array, string][] = [
      ['length-past.onnx', externalModel('data.bin', 27), 'lies past the end of that file (26 bytes)'],
      ['offset-past.onnx', externalModel('data.bin', 4, { offset: '24' }), 'at offset 24, length 4 lies past the end'],
      ['offset-huge.onnx', externalModel('data.bin', 4, { offset: '9223372036854775807' }), 'lies past the end'],
      ['length-short.onnx', externalModel('data.bin', 8, { length: '4' }), 'external data size mismatch'],
      // no plain decimal: refused here (a negative offset reached onnxruntime, BACKEND_UNAVAILABLE)
      ['offset-negative.onnx', externalModel('data.bin', 4, { offset: '-64' }), 'has offset "-64"; an offset or length is a whole number of bytes, in decimal digits'],
      ['offset-hex.onnx', externalModel('data.bin', 4, { offset: '0x0' }), 'has offset "0x0"'],
      ['length-signed.onnx', externalModel('data.bin', 4, { length: '+4' }), 'has length "+4"'],
    ];
    for (const [file, bytes, reason] of cases) {
      writeFileSync(join(dir, 'corrupt', file), bytes);
      const error = await expectVisionError(loadModel(join(dir, 'corrupt', file)), 'MODEL_FORMAT');
      expect(error.message, file).toContain(join(dir, 'corrupt', file));
      expect(error.message, file).toContain(reason);
    }
  });

  it('a session no provider opens names the runtime that was tried (onnxruntime-web wasm, for external data)', async () => {
    writeFileSync(join(dir, 'no-op.onnx'), externalModel('no-op.data', 4, { op: 'NoSuchOp' }));
    writeFileSync(join(dir, 'no-op.data'), 'DATA');
    const error = await expectVisionError(loadModel(join(dir, 'no-op.onnx')), 'BACKEND_UNAVAILABLE');
    expect(error.message).toContain('(wasm (onnxruntime-web, in place of cpu: the model keeps tensors in external data): ');
    expect(error.message).toContain('NoSuchOp');
  });

  it('reads them from the model’s folder, whatever the working directory', async () => {
    const name = `beside-${Date.now()}.data`; // nowhere but the model's folder
    writeFileSync(join(dir, 'beside.onnx'), externalModel(name, 4));
    writeFileSync(join(dir, name), 'DATA');
    expect(await outputText(join(dir, 'beside.onnx'))).toBe('DATA');
  });

  it("reports progress over the model and its data as one load: loaded never goes back, the total grows by the data (it restarted at the data file's bytes)", async () => {
    const model = externalModel('progress.data', 1000);
    writeFileSync(join(dir, 'progress.onnx'), model);
    writeFileSync(join(dir, 'progress.data'), 'x'.repeat(1000));
    const events: { loaded: number; total?: number }[] = [];
    const runner = await loadModel(join(dir, 'progress.onnx'), { onProgress: (p) => events.push(p) });
    runner.dispose();
    for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
    expect(events.at(-1)).toEqual({ loaded: model.byteLength + 1000, total: model.byteLength + 1000 });
    // never 100 % before the data: the model file's own last event is held back
    expect(events.filter((e) => e.total !== undefined && e.loaded >= e.total)).toHaveLength(1);
  });

  it('refuses a name that climbs out or is absolute, a link out of the folder, and a model given as bytes, reading nothing', async () => {
    writeFileSync(join(dir, 'secret.txt'), 'SECRET');
    const inner = join(dir, 'inner');
    mkdirSync(inner);
    for (const [file, location] of [['dotdot.onnx', '../secret.txt'], ['absolute.onnx', join(dir, 'secret.txt')]] as const) {
      const path = join(inner, file);
      writeFileSync(path, externalModel(location, 6));
      const error = await expectVisionError(loadModel(path), 'INVALID_OPTION');
      expect(error.message).not.toContain('SECRET');
    }
    writeFileSync(join(inner, 'linked.onnx'), externalModel('linked.data', 6));
    symlinkSync(join(dir, 'secret.txt'), join(inner, 'linked.data'));
    expect((await expectVisionError(loadModel(join(inner, 'linked.onnx')), 'INVALID_OPTION')).message).toContain('(through a link), outside');
    const bytes = readFileSync(join(inner, 'linked.onnx'));
    expect((await expectVisionError(loadModel(new Uint8Array(bytes), { format: 'onnx' }), 'INVALID_OPTION')).message).toContain('load it from its file or URL');
  });

  it('refuses one data file named in two ways (150 spellings of one 16-MB file were read 150 times: 2.6 GB)', async () => {
    writeFileSync(join(dir, 'w.data'), 'abcdef');
    writeFileSync(join(dir, 'spellings.onnx'), externalModel('w.data', 6, { alsoAt: './w.data' }));
    const error = await expectVisionError(loadModel(join(dir, 'spellings.onnx')), 'MODEL_FORMAT');
    expect(error.message).toMatch(/spellings\.onnx: its tensors name one data file in two ways \("w\.data" and "\.\/w\.data"\)/);
    // the same name twice is one file, read once
    writeFileSync(join(dir, 'twice.onnx'), externalModel('w.data', 6, { alsoAt: 'w.data' }));
    expect(await readOnnxExternalData(join(dir, 'twice.onnx'), readFileSync(join(dir, 'twice.onnx')), {})).toHaveLength(1);
  });
});
