export { VisionWorker } from './vision-worker';
export type { VisionWorkerOptions } from './vision-worker';
export { WorkerPipeline, createWorkerPipeline } from './worker-pipeline';
export type { RemoteRunnerInfo, ResultOf, RunOptionsOf, WorkerPipelineOptions } from './worker-pipeline';
export { toTransferable } from './transfer-input';
export type { TransferableInput } from './transfer-input';
export type { RemotePipelineInfo, SimulatedFailure, WorkerMemory, WorkerLimits } from './protocol';
