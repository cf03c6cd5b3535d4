export { VisionWorker } from './vision-worker';
export type { VisionWorkerOptions } from './vision-worker';
export { WorkerPipeline, createWorkerPipeline } from './worker-pipeline';
export type { RemoteRunnerInfo, ResultOf, RunOptionsOf, WorkerPipelineOptions } from './worker-pipeline';
export type { RemotePipelineInfo, SimulatedFailure, WorkerMemory, WorkerLimits } from './protocol';
export { ProgressivePipeline, createProgressivePipeline } from './progressive-pipeline';
export type { ProgressiveOptions, ProgressiveResult, ProgressiveStats, ServingPipeline } from './progressive-pipeline';
export { TrackIdBridge } from './track-id-bridge';
