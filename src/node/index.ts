import { setPlatform } from '../core/platform';
import { nodePlatform } from './node-platform';

setPlatform(nodePlatform);

export * from '../index';
export { decodeImageFile, nodePlatform } from './node-platform';
export { writeAnnotated, writeAnnotatedImage, writeMaskOverlay, writePoseImage } from './annotate';
