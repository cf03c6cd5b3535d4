/**
 * A tfjs layers model that fails to build frees what tfjs made of it: tfjs makes each layer's
 * weights (variables) while it builds, before it finds an unknown layer class or weights for
 * fewer filters than declared. They leaked (two variables per failed load, and 163 MB for a
 * topology declaring 300 000 filters with weights for 2).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/node/index';
import { onBackendForFile } from '../helpers/file-backend';

onBackendForFile('cpu');

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** A conv → flatten → dense model saved in memory: its model.json (to edit) and weight bytes. */
async function savedModel(): Promise<{ json: { format: string; modelTopology: unknown; weightsManifest: unknown[] }; weights: Uint8Array }> {
  const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  const json = { format: 'layers-model', modelTopology: saved!.modelTopology as never, weightsManifest: [{ paths: ['w.bin'], weights: saved!.weightSpecs }] };
  return { json, weights: new Uint8Array(saved!.weightData as ArrayBuffer) };
}

/** The layer list of a saved sequential model's topology (`{ model_config: { config } }` or the config itself; a list or `{ layers }`). */
function layersOf(topology: unknown): LayerJson[] {
  const outer = topology as { model_config?: { config: unknown }; config: unknown };
  const config = (outer.model_config ?? outer).config as LayerJson[] | { layers: LayerJson[] };
  return Array.isArray(config) ? config : config.layers;
}

const variables = () => Object.keys((tf.engine().state as unknown as { registeredVariables: object }).registeredVariables).length;

describe('a layers model that fails to build', () => {
  it('leaves no variables behind: an unknown layer class, and more filters declared than the weights hold', async () => {
    const { json, weights } = await savedModel();
    const layers = layersOf(json.modelTopology);
    const before = { variables: variables(), bytes: tf.memory().numBytes };
    layers[2].class_name = 'NoSuchLayer';
    for (let i = 0; i < 5; i++) await expect(loadModel({ json, weights })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining('could not build the layers model') });
    layers[2].class_name = 'Dense';
    layers[0].config.filters = 20_000; // 4.3 MB of kernel made before the shapes are compared
    await expect(loadModel({ json, weights })).rejects.toMatchObject({ code: 'MODEL_FORMAT', message: expect.stringContaining('Shape mismatch') });
    expect(variables()).toBe(before.variables);
    expect(tf.memory().numBytes - before.bytes).toBeLessThan(10_000);
    // the model as saved still loads
    layers[0].config.filters = 2;
    const runner = await loadModel({ json, weights });
    expect(variables()).toBe(before.variables + 4);
    runner.dispose();
    expect(variables()).toBe(before.variables);
  });
});
