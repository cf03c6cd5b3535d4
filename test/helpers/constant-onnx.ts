import { buildOnnxModel } from './onnx-builder';

/** One output of {@link constantOnnx}: its values, shape and (where given) ONNX element type to cast to. */
export interface ConstantOutput {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
  /** ONNX element type of the output (2 uint8, 6 int32, 10 float16); float32 when left out. */
  type?: number;
}

/**
 * A real ONNX model whose outputs are set values (plus 0 × the input's mean, so that they depend
 * on the input), for tests of how pipelines read what a model gives: input `images` of `inputDims`
 * (float32 unless `inputType`; a uint8 input is cast to float inside).
 */
export function constantOnnx(outputs: ConstantOutput[], inputDims: number[] = [1, 3, 64, 64], inputType?: number): Uint8Array {
  const cast = inputType === undefined ? [] : [{ op: 'Cast', inputs: ['images'], outputs: ['images_float'], attributes: { to: 1 } }];
  return buildOnnxModel({
    inputs: [{ name: 'images', dims: inputDims, type: inputType }],
    outputs: outputs.map(({ name, dims, type }) => ({ name, dims, type })),
    initializers: [{ name: 'zero', dims: [], values: [0] }, ...outputs.map(({ name, dims, values }) => ({ name: `${name}_values`, dims, values }))],
    nodes: [
      ...cast,
      { op: 'ReduceMean', inputs: [inputType === undefined ? 'images' : 'images_float'], outputs: ['mean'], attributes: { keepdims: 0 } },
      { op: 'Mul', inputs: ['mean', 'zero'], outputs: ['nothing'] },
      ...outputs.flatMap(({ name, type }) =>
        type === undefined
          ? [{ op: 'Add', inputs: [`${name}_values`, 'nothing'], outputs: [name] }]
          : [{ op: 'Add', inputs: [`${name}_values`, 'nothing'], outputs: [`${name}_float`] }, { op: 'Cast', inputs: [`${name}_float`], outputs: [name], attributes: { to: type } }],
      ),
    ],
  });
}
