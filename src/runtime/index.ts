/**
 * Model runners: the `ModelRunner` interface, tfjs and onnxruntime runners, backend choice,
 * model loading (URL, file, bytes, packed models), ONNX metadata, and the worker transport
 * (a comlink connection to a Web Worker or Node worker thread, images made transferable).
 */
export { loadModel } from './load-model';
export type { AnyModelSource, LoadModelOptions, ModelFormat } from './load-model';
export type { Feed, ModelRunner, RawTensor, RunOptions, TensorDataType, TensorInfo } from './model-runner';
export type { LoadOptions, LoadProgress, ModelSource } from './model-source';
export { createTfjsRunner, TfjsRunner } from './tfjs-runner';
export type { TfjsRunnerOptions } from './tfjs-runner';
export { fuseConvolutions } from './graph-fusion';
export { pointwiseTransposedConvolutions } from './graph-transposed-conv';
export type { FusionReport } from './graph-fusion';
export { createOnnxRunner, OnnxRunner } from './onnx-runner';
export type { OnnxExecutionProvider, OnnxRunnerOptions } from './onnx-runner';
export { acceptsGpuFeeds, isGpuBufferFeed } from './gpu-feed';
export type { GpuBufferFeed, GpuBufferHandle, GpuDeviceHandle, GpuFeedRunner } from './gpu-feed';
export { selectTfjsBackend, TFJS_BACKENDS } from './tfjs-backend';
export type { TfjsBackendName, TfjsBackendOptions } from './tfjs-backend';
export { useFastWasmKernels } from './wasm-fast-kernels';
export { wasmKernelStatus } from './wasm-kernel-link';
export { loadPackedModel } from './packed-model';
export type { PackedModelSource } from './packed-model';
export type { TfjsModelFiles } from './tfjs-artifacts';
export { parseClassNames, readOnnxMetadata } from './onnx-metadata';
export { layerFeatureModel } from './layer-features';
export { WorkerConnection } from './worker-connection';
export type { WorkerConnectionOptions } from './worker-connection';
export type { Reply, WireError } from './worker-reply';
export { toTransferable } from './worker-transfer';
export type { TransferableInput } from './worker-transfer';
export { GpuRowFilter, gpuRowFilterFor } from './gpu/gpu-row-filter';
export type { FilteredRows, RowFilterAllocations, RowFilterRule } from './gpu/gpu-row-filter';
export { GpuMaskAssembler, gpuMaskAssemblerFor } from './gpu/gpu-mask-assembler';
export type { AssembledMasks } from './gpu/gpu-mask-assembler';
