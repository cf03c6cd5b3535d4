import type { ModelRunner } from '../../src/node/index';

/** Raw outputs by name, as a fake runner answers them (float32 unless `dtype` says otherwise). */
export type FakeOutputs = Record<string, { dims: number[]; data: Float32Array | BigInt64Array; dtype?: string }>;

/**
 * A runner that answers fixed outputs, with one input of `width` × `height` in `layout`: for
 * testing decoding control flow (never as proof that a model works).
 *
 * @example
 * ```ts
 * const runner = fakeRunner(64, 64, 'nchw', { logits: { dims: [1, 1], data: Float32Array.of(2) } });
 * ```
 */
export function fakeRunner(width: number, height: number, layout: 'nchw' | 'nhwc', outs: FakeOutputs): ModelRunner {
  return {
    runtime: 'tfjs',
    backend: 'cpu',
    metadata: {},
    inputs: [{ name: 'x', shape: layout === 'nchw' ? [1, 3, height, width] : [1, height, width, 3], dtype: 'float32' }],
    outputs: Object.keys(outs).map((name) => ({ name, shape: outs[name].dims, dtype: outs[name].dtype ?? 'float32' })) as ModelRunner['outputs'],
    run: async () => Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, { dtype: v.dtype ?? 'float32', dims: v.dims, data: v.data.slice() }])) as never,
    dispose: () => undefined,
  };
}
