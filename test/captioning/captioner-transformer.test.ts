import { describeTrainedCaptioner } from './trained-captioner-suite';

describeTrainedCaptioner(
  'CNN encoder + small transformer decoder (2 layers, 4 heads), trained on generated scenes',
  'transformer',
  { encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 }, decoder: { type: 'transformer', dim: 64, heads: 4, layers: 2, feedForward: 128, maxLength: 16 } },
  { train: 1200, epochs: 10, freezeEncoderAfter: 6, batchSize: 32, learningRate: 3e-3, seed: 5 },
);
