// ONNX external data: tensors an ONNX model keeps in files beside it. onnxruntime, given the
// model as bytes, looked for them in the working directory (any name there was read into the
// weights); visionpipe now reads them itself from the model's folder, with the shard checks.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/node/index';
import { onnxExternalDataFiles } from '../../src/runtime/onnx-external-data';
import { expectVisionError, tempDir } from './helpers';

const varint = (value: number): number[] => {
  const out: number[] = [];
  let n = value;
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);
const message = (field: number, payload: number[]): number[] => [...tag(field, 2), ...varint(payload.length), ...payload];
const text = (field: number, value: string): number[] => message(field, [...Buffer.from(value)]);
const number = (field: number, value: number): number[] => [...tag(field, 0), ...varint(value)];

/** An ONNX model (IR 8, opset 13) whose output Y is Identity of a uint8 initializer W of `length` bytes kept in the file `location`. */
function externalModel(location: string, length: number): Uint8Array {
  const tensor = [...number(1, length), ...number(2, 2), ...text(8, 'W'), ...message(13, [...text(1, 'location'), ...text(2, location)]), ...message(13, [...text(1, 'length'), ...text(2, String(length))]), ...number(14, 1)];
  const node = [...text(1, 'W'), ...text(2, 'Y'), ...text(3, 'id'), ...text(4, 'Identity')];
  const output = [...text(1, 'Y'), ...message(2, message(1, [...number(1, 2), ...message(2, message(1, number(1, length)))]))];
  const graph = [...message(1, node), ...text(2, 'g'), ...message(5, tensor), ...message(12, output)];
  return Uint8Array.from([...number(1, 8), ...message(8, [...text(1, ''), ...number(2, 13)]), ...message(7, graph)]);
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
  it('finds the files a model keeps tensors in', () => {
    expect(onnxExternalDataFiles(externalModel('w.data', 4))).toEqual(['w.data']);
    expect(onnxExternalDataFiles(new Uint8Array([1, 2, 3]))).toEqual([]);
  });

  it('reads them from the model’s folder, whatever the working directory', async () => {
    const name = `beside-${Date.now()}.data`; // nowhere but the model's folder
    writeFileSync(join(dir, 'beside.onnx'), externalModel(name, 4));
    writeFileSync(join(dir, name), 'DATA');
    expect(await outputText(join(dir, 'beside.onnx'))).toBe('DATA');
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
});
