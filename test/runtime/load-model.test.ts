/**
 * Model loading: format guessing and override, sources (file path, bytes, http URL from a local
 * sirv server), progress over every file of a model, AbortSignal, and the error codes for
 * missing, unreachable, truncated and corrupt files (broken copies written to a temp dir).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type LoadModelOptions, type LoadProgress, type ModelRunner, type TfjsBackendOptions, selectTfjsBackend } from '../../src/node/index';
import { MODELS, checkProgress, expectVisionError, serveStatic, tempDir, type StaticServer, values } from './helpers';
import { message, number, text } from '../helpers/protobuf-writer';

let dir = '';
let server: StaticServer;
let sizes: Record<string, number> = {};

/** A blazeface copy whose weights are split into 3 shards (a multi-file tfjs model). */
function writeShardedBlazeface(): void {
  const json = JSON.parse(readFileSync(MODELS.blazeface(), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const bin = readFileSync(MODELS.blazeface().replace(/\.json$/, '.bin'));
  const cut = [0, 200_000, 400_001, bin.byteLength];
  const paths: string[] = [];
  for (let i = 0; i < 3; i++) {
    paths.push(`group1-shard${i + 1}of3.bin`);
    writeFileSync(join(dir, 'sharded', paths[i]), bin.subarray(cut[i], cut[i + 1]));
  }
  json.weightsManifest[0].paths = paths;
  writeFileSync(join(dir, 'sharded', 'model.json'), JSON.stringify(json));
}

beforeAll(() => {
  dir = tempDir('load-model');
  return (async () => {
    for (const sub of ['sharded', 'nsfw', 'broken']) mkdirSync(join(dir, sub), { recursive: true });
    writeShardedBlazeface();
    copyFileSync(MODELS.ocrDet(), join(dir, 'det.onnx'));
    copyFileSync(MODELS.ocrDet(), join(dir, 'det.model'));
    const nsfwDir = dirname(MODELS.nsfw());
    for (const f of ['model.min.js', 'group1-shard1of1.min.js']) copyFileSync(join(nsfwDir, f), join(dir, 'nsfw', f));
    copyFileSync(MODELS.blazeface(), join(dir, 'blazeface-json.txt'));
    copyFileSync(MODELS.blazeface().replace(/\.json$/, '.bin'), join(dir, 'blazeface.bin'));
    // Broken copies.
    const bf = MODELS.blazeface();
    copyFileSync(bf, join(dir, 'broken', 'blazeface.json'));
    const bin = readFileSync(bf.replace(/\.json$/, '.bin'));
    writeFileSync(join(dir, 'broken', 'blazeface.bin'), bin.subarray(0, bin.byteLength - 1000));
    const onnx = readFileSync(MODELS.ocrDet());
    writeFileSync(join(dir, 'broken', 'truncated.onnx'), onnx.subarray(0, onnx.byteLength >> 1));
    writeFileSync(join(dir, 'broken', 'garbage.onnx'), 'this is not an ONNX model');
    writeFileSync(join(dir, 'broken', 'garbage.json'), '{"modelTopology": {"node": [ not json');
    writeFileSync(join(dir, 'broken', 'empty-topology.json'), JSON.stringify({ format: 'graph-model', weightsManifest: [] }));
    writeFileSync(join(dir, 'broken', 'missing-shard.json'), readFileSync(bf, 'utf8').replace('"blazeface.bin"', '"nowhere.bin"'));
    writeFileSync(join(dir, 'broken', 'model.min.js'), 'throw new Error("not a packed model")');
    sizes = {
      shardedJson: statSync(join(dir, 'sharded', 'model.json')).size,
      shardedTotal: ['model.json', 'group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'].reduce((n, f) => n + statSync(join(dir, 'sharded', f)).size, 0),
      onnx: statSync(join(dir, 'det.onnx')).size,
      nsfw: ['model.min.js', 'group1-shard1of1.min.js'].reduce((n, f) => n + statSync(join(dir, 'nsfw', f)).size, 0),
    };
    server = await serveStatic(dir);
  })();
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Loads, records progress, checks what kind of runner came back, disposes it. */
async function load(source: Parameters<typeof loadModel>[0], options: LoadModelOptions = {}): Promise<{ runner: ModelRunner; events: LoadProgress[] }> {
  const events: LoadProgress[] = [];
  const runner = await loadModel(source, { ...options, onProgress: (p) => events.push({ ...p }) });
  return { runner, events };
}

describe('format guessing and override', () => {
  it.each([
    ['.json → tfjs graph model', () => join(dir, 'sharded', 'model.json'), 'tfjs'],
    ['.min.js → packed tfjs layers model', () => join(dir, 'nsfw', 'model.min.js'), 'tfjs'],
    ['.onnx → onnxruntime', () => join(dir, 'det.onnx'), 'onnxruntime'],
    ['ONNX bytes → onnxruntime', () => new Uint8Array(readFileSync(join(dir, 'det.onnx'))), 'onnxruntime'],
    ['ONNX ArrayBuffer → onnxruntime', () => readFileSync(join(dir, 'det.onnx')).buffer.slice(0) as ArrayBuffer, 'onnxruntime'],
    ['URL with a query string', () => `${server.url}/det.onnx?v=3#x`, 'onnxruntime'],
    ['URL object', () => new URL(`${server.url}/sharded/model.json`), 'tfjs'],
  ] as const)('%s', async (_name, source, runtime) => {
    const { runner } = await load(source());
    expect(runner.runtime).toBe(runtime);
    runner.dispose();
  });

  it('an unknown extension is MODEL_FORMAT naming the formats; `format` overrides the guess', async () => {
    const error = await expectVisionError(loadModel(join(dir, 'det.model')), 'MODEL_FORMAT');
    expect(error.message).toMatch(/\.onnx.*model\.json.*model\.min\.js/);
    expect(error.message).toContain("format: 'onnx' | 'tfjs' | 'tfjs-packed'");
    const onnx = await loadModel(join(dir, 'det.model'), { format: 'onnx' });
    expect(onnx.runtime).toBe('onnxruntime');
    onnx.dispose();
    const tfjs = await loadModel(join(dir, 'blazeface-json.txt'), { format: 'tfjs' });
    expect(tfjs.runtime).toBe('tfjs');
    tfjs.dispose();
  });

  it('format override wins over the extension (a .json forced to onnx is not an ONNX model)', async () => {
    await expectVisionError(loadModel(join(dir, 'sharded', 'model.json'), { format: 'onnx' }), 'MODEL_FORMAT');
  });

  it('model.json bytes alone are MODEL_FORMAT asking for { json, weights }', async () => {
    const bytes = new Uint8Array(readFileSync(join(dir, 'sharded', 'model.json')));
    const guessed = await expectVisionError(loadModel(bytes), 'MODEL_FORMAT');
    expect(guessed.message).toContain('{ json, weights }');
    const forced = await expectVisionError(loadModel(bytes, { format: 'tfjs' }), 'MODEL_FORMAT');
    expect(forced.message).toContain('{ json, weights }');
  });

  it('bad format options are INVALID_OPTION; no source is MODEL_LOAD_FAILED', async () => {
    const unknown = await expectVisionError(loadModel(join(dir, 'det.onnx'), { format: 'pt' as unknown as 'onnx' }), 'INVALID_OPTION');
    expect(unknown.message).toContain('onnx, tfjs, tfjs-packed');
    await expectVisionError(loadModel({ json: {}, weights: [] }, { format: 'onnx' }), 'INVALID_OPTION');
    await expectVisionError(loadModel(null as unknown as string), 'MODEL_LOAD_FAILED');
    await expectVisionError(loadModel(''), 'MODEL_FORMAT');
    await expectVisionError(loadModel('', { format: 'onnx' }), 'MODEL_LOAD_FAILED');
  });

  it('options of the wrong type are INVALID_OPTION naming them (TypeErrors, or taken and ignored), also for ONNX; { json, weights } as tfjs-packed too', async () => {
    const onnx = join(dir, 'det.onnx');
    for (const [options, named] of [
      [{ onProgress: 5 }, /^onProgress is 5; it must be a function/],
      [{ modelRoot: 5 }, /^modelRoot is 5; it must be a string/],
      [{ fuseConvolutions: 'no' }, /^fuseConvolutions is "no"; it must be true or false/],
      [{ cache: 5 }, /^cache is 5; it must be true, false or the name of a cache/],
      [{ executionProviders: 'wasm' }, /^executionProviders is "wasm"; it must be a list/],
      [{ backend: 'cuda' }, /^unknown tfjs backend 'cuda'/],
    ] as const) {
      const error = await expectVisionError(loadModel(onnx, options as unknown as LoadModelOptions), 'INVALID_OPTION');
      expect(error.message).toMatch(named);
    }
    const packed = await expectVisionError(loadModel({ json: {}, weights: [] }, { format: 'tfjs-packed' }), 'INVALID_OPTION');
    expect(packed.message).toContain("{ json, weights } is format 'tfjs'");
  });

  it('a file: URL object loads as its path does (it was fetched, and fetch has no file:)', async () => {
    const runner = await loadModel(pathToFileURL(join(dir, 'det.onnx')));
    expect(runner.runtime).toBe('onnxruntime');
    runner.dispose();
  });

  it('misspelt option names are INVALID_OPTION (they were ignored: the model loaded with the defaults)', async () => {
    const error = await expectVisionError(loadModel(join(dir, 'det.onnx'), { backends: 'cpu', executionProvider: ['wasm'] } as LoadModelOptions), 'INVALID_OPTION');
    expect(error.message).toMatch(/^loadModel options has unknown option\(s\) backends, executionProvider; allowed: format, backend, wasmPaths/);
    await expectVisionError(selectTfjsBackend({ backend: 'cpu', wasmpaths: '/x/' } as TfjsBackendOptions), 'INVALID_OPTION');
    await expectVisionError(selectTfjsBackend('wasm' as TfjsBackendOptions), 'INVALID_OPTION');
  });
});

describe('sources and progress', () => {
  it('a multi-file tfjs model over http: every shard fetched and counted, progress ends at the total', async () => {
    server.requests.length = 0;
    const { runner, events } = await load(`${server.url}/sharded/model.json`);
    expect(server.requests.filter((r) => r.startsWith('/sharded/'))).toEqual([
      '/sharded/model.json', '/sharded/group1-shard1of3.bin', '/sharded/group1-shard2of3.bin', '/sharded/group1-shard3of3.bin',
    ]);
    checkProgress(events, sizes.shardedTotal);
    // The total is known once model.json is in, before any shard arrives.
    const firstShard = events.find((e) => e.loaded > sizes.shardedJson);
    expect(firstShard?.total).toBe(sizes.shardedTotal);
    // Same model as the unsplit original.
    const original = await loadModel(MODELS.blazeface());
    const input = tf.randomUniform([1, 256, 256, 3], 0, 1, 'float32', 3);
    const a = await runner.run({ [runner.inputs[0].name]: input });
    const b = await original.run({ [original.inputs[0].name]: input });
    input.dispose();
    for (const name of Object.keys(b)) expect(values(a[name])).toEqual(values(b[name]));
    runner.dispose();
    original.dispose();
  });

  it('a multi-file tfjs model from disk: progress over json + shards', async () => {
    const { runner, events } = await load(join(dir, 'sharded', 'model.json'));
    checkProgress(events, sizes.shardedTotal);
    runner.dispose();
  });

  it('ONNX over http: total from Content-Length, many chunks, ends at the file size', async () => {
    const { runner, events } = await load(`${server.url}/det.onnx`);
    expect(events.length).toBeGreaterThan(2);
    expect(events[0].total).toBe(sizes.onnx);
    checkProgress(events, sizes.onnx);
    runner.dispose();
  });

  it('ONNX from a path and from bytes: one progress event at the size', async () => {
    for (const source of [join(dir, 'det.onnx'), new Uint8Array(readFileSync(join(dir, 'det.onnx')))]) {
      const { runner, events } = await load(source);
      checkProgress(events, sizes.onnx);
      runner.dispose();
    }
  });

  it('a packed (.min.js) model over http: both modules counted', async () => {
    const { runner, events } = await load(`${server.url}/nsfw/model.min.js`);
    checkProgress(events);
    expect(events[events.length - 1].loaded).toBe(sizes.nsfw);
    expect(runner.outputs[0].shape).toEqual([-1, 5]);
    runner.dispose();
  });
});

describe('AbortSignal', () => {
  const sources: [string, () => string | Uint8Array][] = [
    ['tfjs path', () => join(dir, 'sharded', 'model.json')],
    ['tfjs URL', () => `${server.url}/sharded/model.json`],
    ['packed URL', () => `${server.url}/nsfw/model.min.js`],
    ['onnx path', () => join(dir, 'det.onnx')],
    ['onnx URL', () => `${server.url}/det.onnx`],
    ['onnx bytes', () => new Uint8Array(readFileSync(join(dir, 'det.onnx')))],
  ];

  it.each(sources)('already aborted (%s) → ABORTED, nothing fetched', async (_name, source) => {
    const controller = new AbortController();
    controller.abort();
    const before = server.requests.length;
    await expectVisionError(loadModel(source(), { signal: controller.signal }), 'ABORTED');
    expect(server.requests.length).toBe(before);
  });

  it('aborted mid-download of an ONNX file → ABORTED', async () => {
    const controller = new AbortController();
    const events: LoadProgress[] = [];
    await expectVisionError(
      loadModel(`${server.url}/det.onnx`, {
        signal: controller.signal,
        onProgress: (p) => {
          events.push(p);
          controller.abort();
        },
      }),
      'ABORTED',
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events[events.length - 1].loaded).toBeLessThan(sizes.onnx);
  });

  it('aborted between weight shards of a tfjs model → ABORTED, later shards not fetched', async () => {
    const controller = new AbortController();
    server.requests.length = 0;
    await expectVisionError(
      loadModel(`${server.url}/sharded/model.json`, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.loaded > sizes.shardedJson) controller.abort();
        },
      }),
      'ABORTED',
    );
    expect(server.requests).not.toContain('/sharded/group1-shard3of3.bin');
  });

  it.each(sources.filter(([name]) => name !== 'onnx bytes'))('aborted once every byte is read, while the model is built (%s) → ABORTED, nothing left', async (_name, source) => {
    const controller = new AbortController();
    const tensors = tf.memory().numTensors;
    // a packed model's two modules report no total: its last report has read both
    const onProgress = ({ loaded, total }: LoadProgress): void => {
      if (loaded === (total ?? sizes.nsfw)) controller.abort();
    };
    await expectVisionError(loadModel(source(), { signal: controller.signal, onProgress }), 'ABORTED');
    expect(controller.signal.aborted).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('aborted with a reason keeps it as the cause', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user left the page'));
    const error = await expectVisionError(loadModel(`${server.url}/det.onnx`, { signal: controller.signal }), 'ABORTED');
    expect((error.cause as Error).message).toBe('user left the page');
  });
});

describe('load errors', () => {
  it.each(['det-missing.onnx', 'sharded/missing.json', 'nsfw/missing.min.js'])('HTTP 404 (%s) → MODEL_LOAD_FAILED naming the status', async (path) => {
    const error = await expectVisionError(loadModel(`${server.url}/${path}`), 'MODEL_LOAD_FAILED');
    expect(error.message).toContain('404');
    expect(error.message).toContain(path);
  });

  it('a shard missing on the server → MODEL_LOAD_FAILED naming the shard', async () => {
    const error = await expectVisionError(loadModel(`${server.url}/broken/missing-shard.json`), 'MODEL_LOAD_FAILED');
    expect(error.message).toContain('nowhere.bin');
  });

  it('nothing listening on the port → MODEL_LOAD_FAILED', async () => {
    const closed = await serveStatic(dir);
    const url = `${closed.url}/det.onnx`;
    await closed.close();
    await expectVisionError(loadModel(url), 'MODEL_LOAD_FAILED');
  });

  it.each(['nope.onnx', 'nope/model.json', 'nope/model.min.js'])('a missing file (%s) → MODEL_LOAD_FAILED naming the path', async (path) => {
    const full = join(dir, path);
    const error = await expectVisionError(loadModel(full), 'MODEL_LOAD_FAILED');
    expect(error.message).toContain(basename(full));
  });

  it('a truncated .bin shard → MODEL_FORMAT (from disk and over http)', async () => {
    for (const source of [join(dir, 'broken', 'blazeface.json'), `${server.url}/broken/blazeface.json`]) {
      const error = await expectVisionError(loadModel(source), 'MODEL_FORMAT');
      expect(error.message).toMatch(/truncated/);
    }
  });

  it('a truncated .bin given in memory → MODEL_FORMAT', async () => {
    const json = JSON.parse(readFileSync(MODELS.blazeface(), 'utf8')) as unknown;
    await expectVisionError(loadModel({ json, weights: new Uint8Array(10) }), 'MODEL_FORMAT');
  });

  it('truncated and garbage .onnx → MODEL_FORMAT on onnxruntime-node and -web', async () => {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const full = new Uint8Array(readFileSync(join(dir, 'det.onnx')));
    for (const options of [{}, { ort }]) {
      for (const source of [
        join(dir, 'broken', 'truncated.onnx'),
        join(dir, 'broken', 'garbage.onnx'),
        `${server.url}/broken/truncated.onnx`,
        full.slice(0, 100),
        full.slice(0, full.length - 10),
      ]) {
        const error = await expectVisionError(loadModel(source, options), 'MODEL_FORMAT');
        expect(error.message).toMatch(/not a valid ONNX model/);
      }
    }
  });

  it('a tensor whose bytes do not fit its shape → MODEL_FORMAT on both runtimes (it was BACKEND_UNAVAILABLE, and kept in the Cache API)', async () => {
    const ort = await import('onnxruntime-web');
    // Y = X + W, W a float32 [2] initializer with `raw` bytes (8 fit)
    const model = (raw: number): Uint8Array => {
      const floats2 = message(2, message(1, [...number(1, 1), ...message(2, message(1, number(1, 2)))]));
      const graph = [
        ...message(1, [...text(1, 'X'), ...text(1, 'W'), ...text(2, 'Y'), ...text(4, 'Add')]),
        ...text(2, 'g'),
        ...message(5, [...number(1, 2), ...number(2, 1), ...text(8, 'W'), ...message(9, Array(raw).fill(0))]),
        ...message(11, [...text(1, 'X'), ...floats2]),
        ...message(12, [...text(1, 'Y'), ...floats2]),
      ];
      return Uint8Array.from([...number(1, 8), ...message(8, [...text(1, ''), ...number(2, 13)]), ...message(7, graph)]);
    };
    const good = await loadModel(model(8));
    expect(Array.from((await good.run({ X: { data: new Float32Array([1, 2]), dims: [2], dtype: 'float32' } })).Y.data as Float32Array)).toEqual([1, 2]);
    good.dispose();
    for (const options of [{}, { ort }]) {
      const error = await expectVisionError(loadModel(model(4), options), 'MODEL_FORMAT');
      expect(error.message).toMatch(/is not a valid ONNX model: .*raw_data size \(4 bytes\) does not match/);
    }
  });

  it('empty bytes and a detached buffer → MODEL_FORMAT', async () => {
    await expectVisionError(loadModel(new Uint8Array(0)), 'MODEL_FORMAT');
    const buffer = readFileSync(join(dir, 'det.onnx')).buffer.slice(0) as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] });
    const error = await expectVisionError(loadModel(buffer), 'MODEL_FORMAT');
    expect(error.message).toContain('detached');
    await expectVisionError(loadModel(new Uint8Array(0), { format: 'onnx' }), 'MODEL_FORMAT');
  });

  it('garbage model.json → MODEL_FORMAT; valid JSON without a topology → MODEL_FORMAT', async () => {
    const garbage = await expectVisionError(loadModel(join(dir, 'broken', 'garbage.json')), 'MODEL_FORMAT');
    expect(garbage.message).toContain('not a tfjs model.json');
    const empty = await expectVisionError(loadModel(`${server.url}/broken/empty-topology.json`), 'MODEL_FORMAT');
    expect(empty.message).toContain('modelTopology');
    await expectVisionError(loadModel({ json: { hello: 1 }, weights: [] }), 'MODEL_FORMAT');
  });

  it('a .min.js that is not a packed model → MODEL_FORMAT', async () => {
    await expectVisionError(loadModel(join(dir, 'broken', 'model.min.js')), 'MODEL_FORMAT');
  });
});
