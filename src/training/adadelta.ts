import * as tf from '@tensorflow/tfjs';

/** One accumulator slot of tfjs' Adadelta (its saved weights keep these names). */
interface Slot {
  originalName: string;
  variable: tf.Variable;
}

/** The accumulators tfjs' `AdadeltaOptimizer` keeps (private in its typings). */
interface AdadeltaSlots {
  accumulatedGrads: Slot[];
  accumulatedUpdates: Slot[];
  learningRate: number;
  rho: number;
  epsilon: number;
}

/**
 * Adadelta (Zeiler 2012) as TensorFlow and PyTorch step it: the gradient is scaled by
 * `√(E[Δx²] + ε) / √(E[g²] + ε)` with E[g²] already updated by this gradient. tfjs 4.22's
 * `AdadeltaOptimizer` divides by the previous E[g²] (0 on the first step, so the first update is
 * the plain gradient times the learning rate: 230× torch's on a small dense layer). This class
 * keeps tfjs' accumulators, names, saving and disposal, and steps as TensorFlow does.
 *
 * @example
 * ```ts
 * const optimizer = new Adadelta(1, 0.95, 1e-7);
 * optimizer.minimize(() => loss());
 * ```
 */
export class Adadelta extends tf.AdadeltaOptimizer {
  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const state = this as unknown as AdadeltaSlots;
    const names = Array.isArray(variableGradients) ? variableGradients.map((item) => item.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name];
      state.accumulatedGrads[i] ??= { originalName: `${name}/accum_grad`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      state.accumulatedUpdates[i] ??= { originalName: `${name}/accum_var`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const accumulatedGrad = state.accumulatedGrads[i].variable;
      const accumulatedUpdate = state.accumulatedUpdates[i].variable;
      tf.tidy(() => {
        const { rho, epsilon, learningRate } = state;
        const newAccumulatedGrad = tf.add(tf.mul(accumulatedGrad, rho), tf.mul(tf.square(gradient), 1 - rho));
        const update = tf.mul(tf.div(tf.sqrt(tf.add(accumulatedUpdate, epsilon)), tf.sqrt(tf.add(newAccumulatedGrad, epsilon))), gradient);
        accumulatedGrad.assign(newAccumulatedGrad);
        accumulatedUpdate.assign(tf.add(tf.mul(accumulatedUpdate, rho), tf.mul(tf.square(update), 1 - rho)));
        value.assign(tf.sub(value, tf.mul(update, learningRate)));
      });
    });
    this.incrementIterations();
  }
}
