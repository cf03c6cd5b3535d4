import * as tf from '@tensorflow/tfjs';
import { VisionError } from '../../core/errors';

/**
 * Saved weights: name → shape and values (plain, JSON-serialisable data).
 *
 * @example
 * ```ts
 * const saved: SavedParams = { 'enc/w1': { shape: [48, 24], values: [...] } };
 * ```
 */
export type SavedParams = Record<string, { shape: number[]; values: number[] }>;

/**
 * The named trainable variables of a model, created with Glorot-uniform (matrices), zero
 * (biases) or given initial values, from a seeded generator so runs are reproducible.
 *
 * @example
 * ```ts
 * const params = new ParamSet(42);
 * params.glorot('dec/out', [96, 30]);
 * const w = params.get('dec/out');
 * ```
 */
export class ParamSet {
  readonly vars = new Map<string, tf.Variable>();
  private seed: number;

  constructor(seed = 1) {
    this.seed = seed;
  }

  /** A Glorot-uniform matrix `[fanIn, fanOut]` (or any shape, fans from the last two axes). */
  glorot(name: string, shape: number[], gain = 1): void {
    const fanIn = shape.length > 1 ? shape[shape.length - 2] : shape[0];
    const fanOut = shape[shape.length - 1];
    const limit = gain * Math.sqrt(6 / (fanIn + fanOut));
    this.declare(name, shape, () => tf.randomUniform(shape, -limit, limit, 'float32', this.seed++));
  }

  /** A constant-filled variable (zeros for biases, ones for layer-norm gains). */
  constant(name: string, shape: number[], value = 0): void {
    this.declare(name, shape, () => tf.fill(shape, value));
  }

  /** A small-normal variable (embeddings). */
  normal(name: string, shape: number[], std = 0.1): void {
    this.declare(name, shape, () => tf.randomNormal(shape, 0, std, 'float32', this.seed++));
  }

  /** A variable with the given initial values (an LSTM's forget-gate bias of 1). */
  initial(name: string, shape: number[], values: readonly number[]): void {
    this.declare(name, shape, () => tf.tensor(values as number[], shape, 'float32'));
  }

  /** Adds the variable `name` of `shape`, made by `make` (a subclass may only record the shape). */
  protected declare(name: string, shape: number[], make: () => tf.Tensor): void {
    if (this.vars.has(name)) throw new VisionError('INVALID_OPTION', `parameter '${name}' [${shape.join(',')}] exists twice`);
    const init = make();
    const v = tf.variable(init, true, `${name}_${Math.random().toString(36).slice(2, 8)}`);
    init.dispose();
    this.vars.set(name, v);
  }

  /** The variable called `name`. */
  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new VisionError('MODEL_FORMAT', `missing parameter '${name}'`);
    return v;
  }

  /** Variables whose names start with one of `prefixes` (all when none given). */
  list(...prefixes: string[]): tf.Variable[] {
    return [...this.vars.entries()].filter(([n]) => prefixes.length === 0 || prefixes.some((p) => n.startsWith(p))).map(([, v]) => v);
  }

  /** Total number of weights. */
  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies every weight out as plain data. */
  save(): SavedParams {
    const out: SavedParams = {};
    for (const [name, v] of this.vars) out[name] = { shape: [...v.shape], values: Array.from(v.dataSync()) };
    return out;
  }

  /** Overwrites weights from saved data; shapes must match (`MODEL_FORMAT` otherwise). */
  load(saved: SavedParams): void {
    for (const [name, v] of this.vars) {
      const entry = saved[name];
      if (!entry || entry.shape.join(',') !== v.shape.join(',')) {
        throw new VisionError('MODEL_FORMAT', `saved captioner weights lack '${name}' [${v.shape.join(',')}] (found ${entry ? `[${entry.shape.join(',')}]` : 'nothing'})`);
      }
      const t = tf.tensor(entry.values, entry.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/**
 * The names and shapes an architecture declares, with no tensor made: a saved captioner's weights
 * are checked against them before any is allocated (a 261-byte file declaring 8 layers of width
 * 4096 made gigabytes of random weights before its missing ones were found).
 *
 * @example
 * ```ts
 * const shapes = new ParamShapes();
 * createPatchEncoder(shapes, config.encoder);
 * shapes.declared.get('enc/w1'); // [48, 24]
 * ```
 */
export class ParamShapes extends ParamSet {
  readonly declared = new Map<string, number[]>();

  protected override declare(name: string, shape: number[]): void {
    if (this.declared.has(name)) throw new VisionError('INVALID_OPTION', `parameter '${name}' exists twice`);
    this.declared.set(name, [...shape]);
  }
}
