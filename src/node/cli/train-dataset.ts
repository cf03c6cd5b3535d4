import { realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { VisionError } from '../../core/errors';
import { IMAGE_EXTENSIONS, folderEntries } from './inputs';

/**
 * A folder-per-class dataset: class names (the sub-folders, sorted) and every image with its
 * class index.
 *
 * @example
 * ```ts
 * const { labels, files } = await listClassFolders('data/');
 * ```
 */
export interface ClassFolders {
  labels: string[];
  files: { path: string; label: number }[];
}

const isImage = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).slice(1).toLowerCase());

/**
 * The images of a class folder and of the folders inside it, as paths relative to it, sorted
 * (torchvision's `ImageFolder` and Keras' `image_dataset_from_directory` read a class's
 * sub-folders too). Hidden folders are skipped; a folder reached twice through links (a loop)
 * is read once.
 */
async function classImages(folder: string, seen = new Set<string>(), prefix = ''): Promise<string[]> {
  const real = await realpath(folder);
  if (seen.has(real)) return [];
  seen.add(real);
  const found: string[] = [];
  for (const entry of await folderEntries(folder)) {
    if (entry.kind === 'file' && isImage(entry.name)) found.push(join(prefix, entry.name));
    else if (entry.kind === 'dir' && !entry.name.startsWith('.')) found.push(...(await classImages(join(folder, entry.name), seen, join(prefix, entry.name))));
  }
  return found.sort();
}

/**
 * Reads a training dataset: one sub-folder per class, each with its jpg/jpeg/png/webp images,
 * also in folders inside it (hidden folders skipped; symbolic links to folders and images followed). A missing or empty folder, fewer than two classes, or a class
 * with fewer than two images (one to train on, one to validate) is `INVALID_INPUT`.
 *
 * @example
 * ```ts
 * const { labels, files } = await listClassFolders('flowers/'); // labels: ['daisy', 'rose', 'tulip']
 * ```
 */
export async function listClassFolders(root: string): Promise<ClassFolders> {
  try {
    if (!(await stat(root)).isDirectory()) throw new VisionError('INVALID_INPUT', `${root} is a file; give a folder with one sub-folder of images per class`);
  } catch (error) {
    if (error instanceof VisionError) throw error;
    throw new VisionError('INVALID_INPUT', `${root}: no such folder; give a folder with one sub-folder of images per class`, { cause: error });
  }
  const entries = await folderEntries(root);
  const classes = entries.filter((e) => e.kind === 'dir' && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (classes.length === 0) {
    throw new VisionError('INVALID_INPUT', `${root} has no class folders; put each class's images in a sub-folder named after it (e.g. ${join(root, 'cat')}/, ${join(root, 'dog')}/)`);
  }
  if (classes.length < 2) throw new VisionError('INVALID_INPUT', `${root} has one class folder (${classes[0]}); a classifier needs at least 2 classes`);
  const files: ClassFolders['files'] = [];
  for (const [label, name] of classes.entries()) {
    // a class's sub-folders count too: their images were left out without a word
    const images = await classImages(join(root, name));
    if (images.length < 2) {
      throw new VisionError('INVALID_INPUT', `class folder ${join(root, name)} has ${images.length} image${images.length === 1 ? '' : 's'} (${IMAGE_EXTENSIONS.join(', ')}); each class needs at least 2 (one to train on, one to validate)`);
    }
    for (const image of images) files.push({ path: join(root, name, image), label });
  }
  return { labels: classes, files };
}
