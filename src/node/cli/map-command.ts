import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { VisionError } from '../../core/errors';
import type { RawImage } from '../../core/image-input';
import { resolveMaxPixels } from '../../core/image-limits';
import { pca } from '../../explain/projections/pca';
import { umap } from '../../explain/projections/umap';
import { createFeatureExtractionPipeline } from '../../pipelines/embeddings/feature-extraction-pipeline';
import type { Canvas2D, ScratchCanvas } from '../../render/canvas2d';
import { drawScatter } from '../../render/scatter';
import type { CliArgs, MapMethod } from './args';
import { decodeImageBytes, readImageFile } from '../node-platform';
import { type EachResult, embedEach } from './embed-each';
import { expandInputs } from './inputs';
import { modelCardFile, resolveModelArg } from './model-arg';
import { checkOutFolder, isDirectory } from './out-folder';
import { inputMatcher } from './output-names';

type Print = (line: string) => void;

/** Size of the map and of each thumbnail's longest side, in pixels. */
const MAP_WIDTH = 1600;
const MAP_HEIGHT = 1200;
const THUMBNAIL = 96;

/**
 * Where the map goes — `--out` names an existing folder (which gets `map.png`), a `.png` file,
 * or a folder to make — checked before any work: a folder in the way of the file, or a file in
 * the way of a folder to make, is a usage error.
 */
function mapPath(out: string): string {
  const folder = isDirectory(out) === true || extname(out).toLowerCase() !== '.png';
  if (folder && isDirectory(out) !== true && extname(out) !== '') throw new VisionError('INVALID_OPTION', `--out '${out}' must be a .png file or a folder (map.png is written there)`);
  const target = folder ? join(out, 'map.png') : out;
  checkOutFolder(dirname(target), `the folder of --out '${out}'`);
  if (isDirectory(target) === true) throw new VisionError('INVALID_OPTION', `--out would write the map to '${target}', which is a folder; name a .png file or a folder`);
  return target;
}

/** A thumbnail (longest side {@link THUMBNAIL}, transparency kept) of an image file's bytes, read once with the embedding's (a pipe can be read only once). */
async function thumbnail(bytes: Uint8Array, maxPixels: number | undefined): Promise<RawImage> {
  const { default: sharp } = await import('sharp');
  const pixels = sharp(bytes, { limitInputPixels: resolveMaxPixels(maxPixels) }).rotate().resize(THUMBNAIL, THUMBNAIL, { fit: 'inside' }).ensureAlpha();
  const { data, info } = await pixels.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 };
}

/**
 * `visionpipe map <images...> --out map.png [--method pca|umap] [--model id]`: embeds every
 * image (image-feature-extraction, default MobileNetV2 features), projects the embeddings to
 * 2-D (exact PCA, default, or seeded UMAP) and writes a PNG where each image is drawn as a
 * thumbnail at its place — "what the model sees". `--json` prints where each image landed
 * (canvas pixels). Returns the exit code (1 when an input failed; the rest are mapped).
 *
 * @example
 * ```ts
 * process.exitCode = await runMap(parseCliArgs(['map', 'photos/', '--out', 'map.png']), console.log, console.error);
 * ```
 */
export async function runMap(args: CliArgs, print: Print, printError: Print): Promise<number> {
  if (args.out === undefined) throw new VisionError('INVALID_OPTION', 'map needs --out <file.png or folder> for the map');
  const method: MapMethod = args.method ?? 'pca';
  if (method === 'pca' && args.seed !== undefined) throw new VisionError('INVALID_OPTION', '--seed applies to --method umap (PCA is exact, with nothing random to seed)');
  const target = mapPath(args.out);
  const model = (await resolveModelArg(args.model, 'map')) ?? 'mobilenet-v2-features';
  if (args.inputs.length === 0) throw new VisionError('INVALID_OPTION', 'map needs images to place: give image files, folders or globs');
  const { files, failures } = await expandInputs(args.inputs);
  const card = modelCardFile(model);
  if (inputMatcher(card === undefined ? files : [...files, card])(target)) {
    throw new VisionError('INVALID_OPTION', `--out would write the map to '${target}', which is one of the inputs (the images, the --model card); inputs are never overwritten: name another .png file or folder`);
  }
  failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
  const minimum = method === 'umap' ? 3 : 2;
  if (files.length < minimum) throw new VisionError('INVALID_INPUT', `map needs at least ${minimum} images for ${method}; got ${files.length}`);
  const pipeline = await createFeatureExtractionPipeline({ model, backend: args.backend });
  let embedded: EachResult<{ embedding: Float32Array; thumb: RawImage }>;
  try {
    embedded = await embedEach(files, async (file) => {
      const bytes = await readImageFile(file);
      const image = await decodeImageBytes(bytes, file, { maxPixels: args.maxPixels });
      return { embedding: (await pipeline.run(image)).embedding, thumb: await thumbnail(bytes, args.maxPixels) };
    }, printError);
  } finally {
    pipeline.dispose();
  }
  const mapped = embedded.done.map(({ file, value }) => ({ file, ...value }));
  const failed = failures.length + embedded.failed;
  if (mapped.length < minimum) throw new VisionError('INVALID_INPUT', `only ${mapped.length} image(s) could be embedded; map needs at least ${minimum}`);
  const vectors = mapped.map((m) => m.embedding);
  let detail: string;
  let projected: Float32Array[];
  if (method === 'pca') {
    const result = pca(vectors, { components: 2 });
    projected = result.projected;
    detail = `explained variance ${result.explainedVarianceRatio.map((r) => `${(100 * r).toFixed(1)} %`).join(' + ')}`;
  } else {
    projected = (await umap(vectors, { seed: args.seed ?? 42 })).projected;
    detail = `seed ${args.seed ?? 42}`;
  }
  const { createCanvas } = await import('@napi-rs/canvas');
  const canvas = createCanvas(MAP_WIDTH, MAP_HEIGHT);
  // umap of 3 vectors has one dimension (its components ≤ n − 2): those lie on a line
  const points = mapped.map((m, i) => ({ x: projected[i][0], y: projected[i].length > 1 ? projected[i][1] : 0, image: m.thumb, label: basename(m.file) }));
  const ctx = canvas.getContext('2d') as unknown as Canvas2D;
  const { positions } = drawScatter(ctx, points, { background: '#ffffff', thumbnailSize: THUMBNAIL, createCanvas: (w, h) => createCanvas(w, h) as unknown as ScratchCanvas });
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, await canvas.encode('png'));
  if (args.json) {
    const placed = mapped.map((m, i) => ({ file: resolve(m.file), x: positions[i].x, y: positions[i].y }));
    print(JSON.stringify({ method, map: resolve(target), width: MAP_WIDTH, height: MAP_HEIGHT, points: placed }, null, 2));
  } else {
    print(`mapped ${mapped.length} image(s) with ${method} (${detail}) → ${target}`);
  }
  return failed > 0 ? 1 : 0;
}
