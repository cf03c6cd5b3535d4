import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { VisionError, describeError } from '../../core/errors';
import type { ModelSpec } from '../../models/model-spec';
import { createFeatureExtractionPipeline } from '../../pipelines/embeddings/feature-extraction-pipeline';
import type { FeatureExtractionPipeline } from '../../pipelines/embeddings/feature-extraction-pipeline';
import { SimilarityIndex } from '../../pipelines/embeddings/similarity-index';
import { decodeImageBytes, decodeImageFile, readImageFile } from '../node-platform';
import { readLocalFileChecked } from '../local-file';
import { writeFilesAtomic } from '../atomic-write';
import { loadSimilarityIndex, similarityIndexFile } from '../similarity-index-file';
import type { CliArgs } from './args';
import { writeContactSheet } from './contact-sheet';
import { embedEach } from './embed-each';
import { refuseVideo } from '../video/video-files';
import { expandInputs } from './inputs';
import { inputMatcher, outputNames } from './output-names';
import { catalogueSpec, modelCardFile, readModelCard, resolveModelArg } from './model-arg';
import { shownValue } from '../../core/shown-value';
import { parseJsonText } from '../../runtime/json-text';

type Print = (line: string) => void;

/** File names inside an index folder written by `visionpipe embed`. */
const INDEX_FILE = 'index.vpsi';
const MANIFEST_FILE = 'manifest.json';

/**
 * The manifest next to an index: which model made the embeddings (so that `search` embeds the
 * query alike) and, per id, the image's absolute path.
 *
 * @example
 * ```ts
 * const manifest: EmbedManifest = { version: 1, model: 'mobilenet-v2-features', dim: 1536, files: [{ id: '0', path: '/photos/cat.jpg' }] };
 * ```
 */
export interface EmbedManifest {
  version: 1;
  /**
   * A catalogue id, or the absolute path of the user's own model card: `search` reads that card
   * as `--model` reads one (the files it names stay in its folder), never a card inside the manifest.
   */
  model: string | { card: string };
  dim: number;
  files: { id: string; path: string }[];
}

async function embedder(model: string | ModelSpec | undefined, args: CliArgs): Promise<FeatureExtractionPipeline> {
  return createFeatureExtractionPipeline({ model, backend: args.backend });
}

/**
 * `visionpipe embed <images...> --out <folder>`: embeds every image and writes the folder's
 * `index.vpsi` (a `SimilarityIndex`, ids "0", "1", … in input order) and `manifest.json`
 * (model and image paths). Returns the exit code: 1 when an input failed (the rest are indexed).
 *
 * Both files are written to temporary files beside them and flushed before either is renamed
 * into place, `index.vpsi` first and `manifest.json` (which `search` reads first) last. A
 * failure or crash while writing leaves a folder indexed before as it was, still searchable; a
 * crash between the two renames (a moment) leaves the new index with the previous manifest, so
 * `search` embeds queries with the previous run's model (refused when its embedding size differs
 * from the index's), or, in a folder not indexed before, an index without a manifest, which
 * `search` refuses as having no readable `manifest.json`.
 *
 * @example
 * ```ts
 * process.exitCode = await runEmbed(parseCliArgs(['embed', 'photos/', '--out', 'index/']), console.log, console.error);
 * ```
 */
export async function runEmbed(args: CliArgs, print: Print, printError: Print): Promise<number> {
  if (args.out === undefined) throw new VisionError('INVALID_OPTION', 'embed needs --out <folder> for the index');
  const model = (await resolveModelArg(args.model, 'embed')) ?? 'mobilenet-v2-features';
  if (args.inputs.length === 0) throw new VisionError('INVALID_OPTION', 'embed needs images to index: give image files, folders or globs');
  const { files, failures } = await expandInputs(args.inputs);
  const card = modelCardFile(model);
  const isInput = inputMatcher(card === undefined ? files : [...files, card]);
  for (const name of [INDEX_FILE, MANIFEST_FILE]) {
    const target = join(args.out, name);
    if (isInput(target)) throw new VisionError('INVALID_OPTION', `--out would write '${target}', which is one of the inputs (the images, the --model card); inputs are never overwritten: give another --out folder`);
  }
  failures.forEach((f) => printError(`visionpipe: ${f.image}: ${f.message} [${f.code}]`));
  if (files.length === 0) throw new VisionError('INVALID_INPUT', `no images to index among ${args.inputs.length} input(s)`);
  const pipeline = await embedder(model, args);
  try {
    const embedded = await embedEach(files, async (file) => withDirection((await pipeline.run(await decodeImageFile(file, { maxPixels: args.maxPixels }))).embedding), printError);
    // an index of nothing would replace a good one: a run where no image worked writes nothing
    if (embedded.done.length === 0) throw new VisionError('INVALID_INPUT', `no image could be embedded (${files.length} tried); nothing was written to '${args.out}'`);
    const index = new SimilarityIndex<{ path: string }>(pipeline.dim);
    const named = typeof model === 'string' ? model : { card: resolve(args.model as string) };
    const manifest: EmbedManifest = { version: 1, model: named, dim: pipeline.dim, files: [] };
    for (const { file, value } of embedded.done) {
      const entry = { id: String(manifest.files.length), path: resolve(file) };
      index.add(entry.id, value, { path: entry.path });
      manifest.files.push(entry);
    }
    const failed = failures.length + embedded.failed;
    await mkdir(args.out, { recursive: true });
    // the manifest names the model the index was made with, and search reads it first: renamed last
    await writeFilesAtomic([similarityIndexFile(index, join(args.out, INDEX_FILE)), { path: join(args.out, MANIFEST_FILE), data: `${JSON.stringify(manifest, null, 2)}\n` }]);
    print(`indexed ${index.size} image(s), ${pipeline.dim}-d embeddings (${typeof model === 'string' ? model : model.id}) → ${join(args.out, INDEX_FILE)}`);
    return failed > 0 ? 1 : 0;
  } finally {
    pipeline.dispose();
  }
}

/**
 * An embedding that can be indexed or searched with: one of all zeros (a black image through a
 * model whose features are ReLU outputs) has no direction, and is that image's failure alone.
 */
function withDirection(embedding: Float32Array): Float32Array {
  if (embedding.every((v) => v === 0)) {
    throw new VisionError('INVALID_INPUT', "the model's embedding of this image is all zeros (its features are all zero, as a blank image can give): it has no direction to compare by cosine similarity");
  }
  return embedding;
}

/** The index folder's manifest; JSON that does not parse is told by line and column, never quoted. */
async function readManifest(folder: string): Promise<EmbedManifest> {
  const path = join(folder, MANIFEST_FILE);
  let text: string;
  try {
    text = (await readLocalFileChecked(path)).toString('utf8'); // a named pipe is refused, never waited on
  } catch (error) {
    throw new VisionError('INVALID_INPUT', `--index '${folder}' has no readable ${MANIFEST_FILE} (make one with visionpipe embed): ${describeError(error)}`, { cause: error });
  }
  const manifest = parseJsonText(text, path, 'INVALID_INPUT', 'a visionpipe embed manifest (make one with visionpipe embed)') as EmbedManifest;
  if (typeof manifest !== 'object' || manifest === null || manifest.version !== 1 || !Array.isArray(manifest.files)) {
    throw new VisionError('INVALID_INPUT', `${join(folder, MANIFEST_FILE)} is not a visionpipe embed manifest (version 1)`);
  }
  return manifest;
}

/**
 * The model an index was made with, as its manifest names it: a catalogue id, or the path of a
 * model card read with the same checks as `--model card.json`. Anything else — an unknown id, a
 * card written into the manifest, a card that fails its checks — is a bad index (`INVALID_INPUT`).
 */
async function manifestModel(manifest: EmbedManifest, folder: string): Promise<string | ModelSpec> {
  const where = join(folder, MANIFEST_FILE);
  const { model } = manifest as { model: unknown };
  if (typeof model === 'string') {
    const spec = catalogueSpec(model);
    if (spec && spec.task !== 'image-feature-extraction') {
      throw new VisionError('INVALID_INPUT', `${where} names the model '${model}', which is for ${spec.task}, not embeddings; make the index again with visionpipe embed`);
    }
    if (spec) return model;
    throw new VisionError('INVALID_INPUT', `${where} names the model '${model}', which is not in the catalogue (see visionpipe models); make the index again with visionpipe embed`);
  }
  const card = typeof model === 'object' && model !== null && Object.keys(model).length === 1 ? (model as { card?: unknown }).card : undefined;
  if (typeof card !== 'string') throw new VisionError('INVALID_INPUT', `${where}: 'model' must be a catalogue id or { "card": "<path of a model card>" }; make the index again with visionpipe embed`);
  const label = `${where} names the model card ${card}`;
  try {
    const spec = await readModelCard(card, { label, pipes: false }); // a pipe the index names would be waited on for ever
    if (spec.task !== 'image-feature-extraction') throw new VisionError('INVALID_INPUT', `${label}, which is for ${spec.task}, not embeddings; make the index again with visionpipe embed`);
    return spec;
  } catch (error) {
    if (!(error instanceof VisionError)) throw error;
    throw new VisionError('INVALID_INPUT', error.message.startsWith(label) ? error.message : `${label}: ${error.message}`, { cause: error });
  }
}

/** The file an index entry names: its metadata's `path` (a string), else its id; anything else is a bad index. */
function indexedPath(metadata: unknown, id: string, folder: string): string {
  const path = (metadata as { path?: unknown } | undefined)?.path ?? id;
  if (typeof path !== 'string') throw new VisionError('INVALID_INPUT', `${join(folder, INDEX_FILE)}: entry '${id}' has the path ${shownValue(path)}; paths are strings; make the index again with visionpipe embed`);
  return path;
}

/**
 * Runs a step on the query image; with `--json`, a failure also prints the query's JSON with its
 * error — `{ query, error: { code, message } }`, as `detect --json` gives `{ image, error }` —
 * before it is rethrown (and said on stderr, exit 1).
 */
async function queryStep<T>(query: string, args: CliArgs, print: Print, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (args.json) {
      const code = error instanceof VisionError ? error.code : ((error as NodeJS.ErrnoException).code ?? 'ERROR');
      print(JSON.stringify({ query: resolve(query), error: { code, message: error instanceof Error ? error.message : String(error) } }, null, 2));
    }
    throw error;
  }
}

/**
 * `visionpipe search <image> --index <folder> [--top k] [--out dir]`: embeds the image with
 * the index's model and prints its `top` nearest neighbours (rank, cosine score, path); with
 * `--out`, also writes `<dir>/<name>.similar.png`, the query and its neighbours as thumbnails
 * (a neighbour's file that can no longer be read gets a blank tile and a warning on stderr).
 * `--json` prints `{ query, neighbours, output? }`, or `{ query, error: { code, message } }`
 * when the query cannot be read or embedded (a video, a missing or undecodable file, over
 * `--max-pixels`). An empty `--index` is a usage error (`INVALID_OPTION`).
 *
 * @example
 * ```ts
 * process.exitCode = await runSearch(parseCliArgs(['search', 'q.jpg', '--index', 'index/']), console.log, console.error);
 * ```
 */
export async function runSearch(args: CliArgs, print: Print, printError: Print): Promise<number> {
  if (args.index === undefined) throw new VisionError('INVALID_OPTION', 'search needs --index <folder> written by visionpipe embed');
  if (args.index.trim() === '') throw new VisionError('INVALID_OPTION', '--index is empty; it takes the folder visionpipe embed wrote (its --out), e.g. --index index/');
  if (args.inputs.length !== 1) throw new VisionError('INVALID_OPTION', `search takes one query image; got ${args.inputs.length}`);
  const [query] = args.inputs;
  await queryStep(query, args, print, async () => refuseVideo(query));
  const manifest = await readManifest(args.index);
  const model = await manifestModel(manifest, args.index);
  const index = await loadSimilarityIndex<{ path: string }>(join(args.index, INDEX_FILE));
  const pipeline = await embedder(model, args);
  try {
    if (pipeline.dim !== index.dim) throw new VisionError('INVALID_INPUT', `the index holds ${index.dim}-d vectors but its model makes ${pipeline.dim}-d ones`);
    const { embedding, bytes } = await queryStep(query, args, print, async () => {
      const read = await readImageFile(query);
      const result = await pipeline.run(await decodeImageBytes(read, query, { maxPixels: args.maxPixels }));
      return { ...result, embedding: withDirection(result.embedding), bytes: read };
    });
    const hits = index.search(embedding, Math.min(args.top ?? 5, Math.max(index.size, 1)));
    const found = hits.map((h, i) => ({ rank: i + 1, id: h.id, score: h.score, path: indexedPath(h.metadata, h.id, args.index as string) }));
    if (!args.json) found.forEach((f) => print(`${String(f.rank).padStart(2)}. ${f.score.toFixed(4)}  ${f.path}`));
    let output: string | undefined;
    if (args.out !== undefined) {
      await mkdir(args.out, { recursive: true });
      // <name>.similar.png, or the next free <name>-2… where that is the query, an indexed photo or a file of the index (by any path or link)
      const card = modelCardFile(model);
      const indexFiles = [join(args.index, MANIFEST_FILE), join(args.index, INDEX_FILE), ...(card === undefined ? [] : [card])];
      const [{ path: sheet }] = outputNames([query, ...found.map((f) => f.path)], args.out, 'similar', indexFiles);
      const blank = await writeContactSheet(sheet, [
        { file: query, title: 'query', detail: basename(query), bytes }, // read once: a piped query cannot be read again
        ...found.map((f) => ({ file: f.path, title: `${f.rank}. score ${f.score.toFixed(3)}`, detail: basename(f.path) })),
      ], args.maxPixels);
      // an image indexed once and since moved or deleted: the index is stale, the search still stands
      blank.forEach(({ file, reason, tooLarge }) => printError(tooLarge
        ? `visionpipe: warning: ${file}, in the index, has ${reason}; its tile is blank`
        : `visionpipe: warning: ${file}, in the index, cannot be read now (${reason}); its tile is blank — run visionpipe embed again to refresh the index`));
      if (!args.json) print(`contact sheet → ${sheet}`);
      output = sheet;
    }
    if (args.json) print(JSON.stringify({ query: resolve(query), neighbours: found, ...(output ? { output } : {}) }, null, 2));
    return 0;
  } finally {
    pipeline.dispose();
  }
}
