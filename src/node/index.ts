import { setPlatform } from '../core/platform';
import { registerModelFolderLoader } from '../pipelines/shared/resolve-model';
import { quietNodeBanner } from '../runtime/tfjs-backend';
import { loadTrainedClassifierFolder } from './model-folders';
import { nodePlatform } from './node-platform';

setPlatform(nodePlatform);
quietNodeBanner();
registerModelFolderLoader(loadTrainedClassifierFolder);

export * from '../index';
export { decodeImageFile, nodePlatform } from './node-platform';
export { loadTrainedClassifierFolder } from './model-folders';
export { loadClassifierFolder, saveClassifierFolder } from './classifier-folder';
export { loadSimilarityIndex, saveSimilarityIndex } from './similarity-index-file';
export { writeAnnotated, writeAnnotatedImage, writeMaskOverlay, writePoseImage } from './annotate';
