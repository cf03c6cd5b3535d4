import type { TfjsBackendName } from '../runtime/tfjs-backend';
import type { ModelFolderLoader } from '../pipelines/shared/resolve-model';
import { isClassifierFolder, loadClassifierFolder } from './classifier-folder';

/**
 * Loads a classifier folder written by `visionpipe train` (a layers model, or a k-NN head over
 * the MobileNetV2 backbone) for `pipeline('image-classification', { model: '<folder>' })`;
 * other tasks and other folders resolve to `null`. `visionpipe/node` registers it on import.
 *
 * @example
 * ```ts
 * import { pipeline } from 'visionpipe/node';
 * const classifier = await pipeline('image-classification', { model: './my-model' });
 * ```
 */
export const loadTrainedClassifierFolder: ModelFolderLoader = async (task, folder, options) => {
  if (task !== 'image-classification' || !isClassifierFolder(folder)) return null;
  const backends = options.backend === undefined ? [] : ([] as TfjsBackendName[]).concat(options.backend);
  const { runner, spec } = await loadClassifierFolder(folder, backends[0]);
  return { runner, spec };
};
