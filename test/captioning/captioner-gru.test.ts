import { describeTrainedCaptioner } from './trained-captioner-suite';

describeTrainedCaptioner(
  'CNN encoder + GRU decoder with Bahdanau attention, trained on generated scenes',
  'gru',
  { encoder: { imageSize: 32, patch: 4, channels: [24, 48], dim: 64 }, decoder: { type: 'gru', embedding: 32, hidden: 96, attention: 64 } },
  { train: 1200, epochs: 8, freezeEncoderAfter: 5, batchSize: 32, learningRate: 4e-3, seed: 3 },
);
