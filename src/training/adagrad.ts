import * as tf from '@tensorflow/tfjs';

/** The accumulators tfjs' `AdagradOptimizer` keeps (private in its typings). */
interface AdagradSlots {
  accumulatedGrads: Array<{ originalName: string; variable: tf.Variable }>;
  learningRate: number;
  initialAccumulatorValue: number;
}

/**
 * Adagrad as TensorFlow / Keras and PyTorch step it: `w -= lr · g / (√G + ε)` with G, the sum of
 * squared gradients, already updated by this gradient. tfjs 4.22's `AdagradOptimizer` divides by
 * `√(G + ε)` with the backend's ε (1e-7) and takes no ε of its own: with a starting accumulator of
 * 0 (PyTorch's default) its weights drift from torch's wherever gradients are small. This class
 * keeps tfjs' accumulators, names, saving and disposal, and steps as TensorFlow does.
 *
 * @example
 * ```ts
 * const optimizer = new Adagrad(0.01, 0, 1e-10); // torch.optim.Adagrad's defaults
 * optimizer.minimize(() => loss());
 * ```
 */
export class Adagrad extends tf.AdagradOptimizer {
  constructor(learningRate: number, initialAccumulatorValue: number, readonly epsilon: number) {
    super(learningRate, initialAccumulatorValue);
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdagradSlots;
    const names = Array.isArray(variableGradients) ? variableGradients.map((item) => item.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      state.accumulatedGrads[i] ??= { originalName: `${name}/accumulator`, variable: tf.tidy(() => tf.fill(value.shape, state.initialAccumulatorValue).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const accumulated = state.accumulatedGrads[i].variable;
      tf.tidy(() => {
        const sum = tf.add(accumulated, tf.square(gradient));
        accumulated.assign(sum);
        value.assign(tf.sub(value, tf.mul(tf.div(gradient, tf.add(tf.sqrt(sum), this.epsilon)), state.learningRate)));
      });
    });
    this.incrementIterations();
  }
}
