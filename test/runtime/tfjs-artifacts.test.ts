// Loading tfjs model.json + shards from a path: manifests with very many shard paths, and
// string weights (whose size only their bytes tell).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/node/index';
import { loadTfjsArtifacts } from '../../src/runtime/tfjs-artifacts';
import { expectVisionError, tempDir } from './helpers';

const dir = tempDir('tfjs-artifacts');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tfjs artifacts from a path', () => {
  it('a manifest naming 40,000 shards, one twice, is MODEL_FORMAT naming the repeated shard (the check is a set: a list took ~25 s, measured, not asserted)', async () => {
    const paths = Array.from({ length: 40_000 }, (_, i) => `s${i}.bin`);
    paths.push('s39999.bin');
    writeFileSync(join(dir, 'many.json'), JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths, weights: [] }] }));
    const error = await expectVisionError(loadTfjsArtifacts(join(dir, 'many.json')), 'MODEL_FORMAT');
    expect(error.message).toContain(`names the shard ${join(dir, 's39999.bin')} more than once`);
  });

  it('string weights load from a path as they do from { json, weights }', async () => {
    const json = {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Const', attr: { value: { tensor: { dtype: 'DT_STRING', tensorShape: { dim: [{ size: '1' }] } } }, dtype: { type: 'DT_STRING' } } },
          { name: 'out', op: 'Identity', input: ['x'], attr: { T: { type: 'DT_STRING' } } },
        ],
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [1], dtype: 'string' }] }],
    };
    const shard = Uint8Array.from([3, 0, 0, 0, 0x61, 0x62, 0x63]); // one string, 'abc', as tfjs writes it
    mkdirSync(join(dir, 'strings'));
    writeFileSync(join(dir, 'strings', 'model.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'strings', 'w.bin'), shard);
    const fromPath = await loadTfjsArtifacts(join(dir, 'strings', 'model.json'));
    const fromFiles = await loadTfjsArtifacts({ json, weights: [shard] });
    expect(new Uint8Array(fromPath.artifacts.weightData as ArrayBuffer)).toEqual(shard);
    expect(fromPath.artifacts.weightSpecs).toEqual(fromFiles.artifacts.weightSpecs);
    // each string value holds at least its 4-byte length: a manifest of 30 million strings over no
    // bytes was decoded (8 GB and a heap abort); empty strings take just their lengths
    const many = { ...json, weightsManifest: [{ paths: [], weights: [{ name: 'x', shape: [30_000_000], dtype: 'string' }] }] };
    await expect(loadTfjsArtifacts({ json: many, weights: [] })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: 'model.json: weights are 0 bytes but the manifest needs at least 120000000 (truncated, padded or wrong shard?)' });
    const twoEmpty = { ...json, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'x', shape: [2], dtype: 'string' }] }] };
    expect((await loadTfjsArtifacts({ json: twoEmpty, weights: [new Uint8Array(8)] })).artifacts.weightSpecs).toHaveLength(1);
    await expect(loadTfjsArtifacts({ json: twoEmpty, weights: [new Uint8Array(7)] })).rejects.toMatchObject({ code: 'MODEL_FORMAT' });
  });
});
