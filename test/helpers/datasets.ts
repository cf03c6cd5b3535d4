import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `dataset-fashion-mnist` installs the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST class names, in label order. */
export const FASHION_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Grey images (uint8, row-major, `size`×`size` each) with their labels. */
export interface GreyImages {
  size: number;
  count: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic >> 8 !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file (magic ${magic.toString(16)})`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, data: bytes.subarray(4 + 4 * rank) };
}

/** Whether the Fashion-MNIST files are installed. */
export function hasFashionMnist(): boolean {
  return existsSync(`${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`);
}

/** Reads Fashion-MNIST's `train` (60k) or `test` (10k) split. */
export function readFashionMnist(split: 'train' | 'test'): GreyImages {
  if (!hasFashionMnist()) {
    throw new Error(`Fashion-MNIST is missing from ${FASHION_MNIST_DIR}: apt-get install -y dataset-fashion-mnist (or bash .ci/run)`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(`${FASHION_MNIST_DIR}/${prefix}-images-idx3-ubyte.gz`);
  const labels = readIdx(`${FASHION_MNIST_DIR}/${prefix}-labels-idx1-ubyte.gz`);
  const [count, size] = images.dims;
  if (labels.dims[0] !== count) throw new Error(`${split}: ${count} images but ${labels.dims[0]} labels`);
  return { size, count, pixels: images.data, labels: labels.data };
}

/** The first `perClass` images of each class (in file order), for small balanced subsets. */
export function takePerClass(set: GreyImages, perClass: number, classes = 10): GreyImages {
  const counts = new Array<number>(classes).fill(0);
  const picked: number[] = [];
  for (let i = 0; i < set.count && picked.length < perClass * classes; i++) {
    const label = set.labels[i];
    if (label < classes && counts[label] < perClass) {
      counts[label]++;
      picked.push(i);
    }
  }
  const area = set.size * set.size;
  const pixels = new Uint8Array(picked.length * area);
  picked.forEach((index, k) => pixels.set(set.pixels.subarray(index * area, (index + 1) * area), k * area));
  return { size: set.size, count: picked.length, pixels, labels: Uint8Array.from(picked, (i) => set.labels[i]) };
}

/** Pixels of image `i` as a single-channel raw image ({@link RawImage}-shaped). */
export function greyImage(set: GreyImages, i: number): { data: Uint8Array; width: number; height: number; channels: 1 } {
  const area = set.size * set.size;
  return { data: set.pixels.slice(i * area, (i + 1) * area), width: set.size, height: set.size, channels: 1 };
}
