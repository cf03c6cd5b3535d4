// The Node worker_threads script (bundled as dist/node-worker.js): installs the Node platform
// (file paths, image decoding, package models) and exposes a visionpipe worker host over
// comlink on parentPort.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { setPlatform } from '../core/platform';
import { nodePlatform } from './node-platform';
import { nodeEndpoint } from '../runtime/node-endpoint';
import { createWorkerHost } from '../worker/worker-host';
import { registerModelFolderLoader } from '../pipelines/shared/resolve-model';
import { loadTrainedClassifierFolder } from './model-folders';

if (!parentPort) throw new Error('visionpipe node-worker.js must run in a worker_threads Worker');
setPlatform(nodePlatform);
// as in visionpipe/node: a folder `visionpipe train` wrote is a model name
registerModelFolderLoader(loadTrainedClassifierFolder);
Comlink.expose(
  createWorkerHost({ loadTrainer: async () => (await import('../trainer-host')).createTrainerHost() }),
  nodeEndpoint(parentPort),
);
