import { VisionError } from '../../core/errors';
import { checkModelId } from '../../core/model-id';
import { isOptionsObject, shownValue } from '../../core/shown-value';
import { MODEL_CATALOG, resolveModelLocation } from '../../models/catalog';
import type { ModelSpec, TaskName } from '../../models/model-spec';
import { type AnyModelSource, type LoadModelOptions, loadModel, loadModelOptionsOf } from '../../runtime/load-model';
import type { ModelRunner } from '../../runtime/model-runner';
import { type TfjsBackendOptions, tfjsBackendOrder } from '../../runtime/tfjs-backend';
import { parseClassNames } from '../../runtime/onnx-metadata';
import { checkCardFields } from './card-fields-check';
import { checkCardInput } from './card-input-check';
import { checkCardOutputs } from './card-output-check';
import { checkYoloOutputShape, checkYoloOutputTypes } from './yolo-output-check';
import { type OwnedRunner, disposeOnFailure } from './dispose-on-failure';
import type { BasePipelineOptions } from './pipeline-options';
import { checkLoadingOptions } from '../../runtime/loading-options';
import { checkModelInput } from './model-input-check';

/**
 * A pipeline's model: its card, its runner, and whether the pipeline must dispose the runner.
 *
 * @example
 * ```ts
 * const { spec, runner, ownsRunner } = await resolveModel('object-detection', 'centernet-coco', {});
 * ```
 */
export interface ResolvedModel extends OwnedRunner {
  spec: ModelSpec;
}

/**
 * Loads a model saved as a folder (in Node, e.g. the output of `visionpipe train`) for a task;
 * resolves to `null` when the folder is not one it knows. The runner it returns owns all it
 * loaded. `visionpipe/node` registers one for trained classifier folders.
 *
 * @example
 * ```ts
 * registerModelFolderLoader(async (task, folder) => (task === 'image-classification' && isMine(folder) ? load(folder) : null));
 * ```
 */
export type ModelFolderLoader = (task: TaskName, folder: string, options: BasePipelineOptions) => Promise<{ runner: ModelRunner; spec: ModelSpec } | null>;

const folderLoaders: ModelFolderLoader[] = [];

/**
 * Lets `pipeline(task, { model: '<folder>' })` load model folders: strings that are not
 * catalogue ids are offered to each registered loader in turn.
 *
 * @example
 * ```ts
 * registerModelFolderLoader(loadTrainedClassifierFolder);
 * ```
 */
export function registerModelFolderLoader(loader: ModelFolderLoader): void {
  if (!folderLoaders.includes(loader)) folderLoaders.push(loader);
}

async function fromFolder(task: TaskName, folder: string, options: BasePipelineOptions): Promise<ResolvedModel | null> {
  for (const loader of folderLoaders) {
    const loaded = await loader(task, folder, options);
    if (loaded) return { spec: loaded.spec, runner: loaded.runner, ownsRunner: true };
  }
  return null;
}

const isCatalogued = (id: string): boolean => Object.prototype.hasOwnProperty.call(MODEL_CATALOG, id);

/**
 * The catalogue ids of the cards for these tasks that `model` takes (not those that run only as
 * a stage of another, such as a detector), for messages about an unknown model.
 *
 * @example
 * ```ts
 * catalogueIdsFor(['pose-estimation']); // ['movenet-lightning', …]
 * ```
 */
export function catalogueIdsFor(tasks: readonly TaskName[]): string[] {
  return Object.values(MODEL_CATALOG)
    .filter((card) => tasks.includes(card.task) && !card.stage)
    .map((card) => card.id);
}

/** `INVALID_OPTION` for a card of another task, naming the task's own catalogue cards. */
function wrongTask(spec: ModelSpec, task: TaskName): VisionError {
  // a card without a task (or with one that is no string) says so: it read "is for undefined"
  if (typeof spec.task !== 'string') return new VisionError('INVALID_OPTION', `model '${spec.id}': its card has no task (task is ${shownValue(spec.task)}); this pipeline takes task: '${task}'`);
  return new VisionError('INVALID_OPTION', `model '${spec.id}' is for ${spec.task}, not ${task}; ${task} models: ${catalogueIdsFor([task]).join(', ')}`);
}

/**
 * The catalogue card `id`, or `INVALID_OPTION` listing the task's cards — also for a card that
 * runs only as a stage of the task's models (a detector), saying how that one is chosen.
 */
function catalogueCard(task: TaskName, id: string): ModelSpec {
  const card = isCatalogued(id) ? MODEL_CATALOG[id] : undefined;
  if (card?.stage && card.task === task) {
    throw new VisionError('INVALID_OPTION', `model '${id}' runs as a stage of ${task} (its ${card.stage.role}), not as its model: choose it with ${card.stage.use}; ${task} models: ${catalogueIdsFor([task]).join(', ')}`);
  }
  if (card) return card;
  // a path given as the model: say what a file needs (it read as an invitation to pass a model file)
  const path = /[\\/]|\.(onnx|json|bin|tflite|pb|pt|h5|keras)$/i.test(id)
    ? ` — '${id}' looks like a path: a model file needs its ModelSpec card (pass the card as model, its location.url or modelSource pointing at the file; yoloModel({ url }) makes one for an Ultralytics export), and a folder must be one visionpipe saved for ${task}`
    : '';
  throw new VisionError('INVALID_OPTION', `unknown model '${id}'; ${task} models: ${catalogueIdsFor([task]).join(', ')}, or pass a ModelSpec (your model's card) or a model folder visionpipe saved${path}`);
}

/**
 * Whether a `model` option is a ready runner (rather than a catalogue id, a card or a model source).
 *
 * @example
 * ```ts
 * if (isModelRunner(options.model)) console.log(options.model.backend);
 * ```
 */
export function isModelRunner(value: unknown): value is ModelRunner {
  return typeof value === 'object' && value !== null && typeof (value as ModelRunner).run === 'function' && Array.isArray((value as ModelRunner).inputs);
}

/**
 * The runner of a model given without a card (the parts of an encoder-decoder export): a
 * ready runner is used as is (not owned), anything else is loaded (and owned).
 *
 * @example
 * ```ts
 * const encoder = await resolveRunner('encoder_model.onnx', { backend: 'wasm' });
 * ```
 */
export async function resolveRunner(source: AnyModelSource | ModelRunner, options: LoadModelOptions): Promise<OwnedRunner> {
  if (isModelRunner(source)) return { runner: source, ownsRunner: false };
  return { runner: await loadModel(source, loadModelOptionsOf(options)), ownsRunner: true };
}

/** A card with no labels takes the class names the exporter stored in the model (Ultralytics `names`); feature extractors have none. */
function withModelLabels(given: ModelSpec, runner: ModelRunner): ModelSpec {
  // a card written without labels (JSON, JavaScript) is one with none
  const spec = given.labels === undefined ? { ...given, labels: [] } : given;
  if (!Array.isArray(spec.labels) || !spec.labels.every((label) => typeof label === 'string')) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': labels are ${shownValue(spec.labels)}; they must be a list of class names (strings)`);
  }
  if (spec.labels.length > 0 || spec.task === 'image-feature-extraction') return spec;
  const names = parseClassNames(runner.metadata.names);
  if (!names) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}' has no labels in its card and no 'names' metadata in the file; pass labels: [...]`);
  }
  return { ...spec, labels: names };
}

/**
 * The tfjs backends to try for a card: the requested ones (or the default order) without those
 * the card says it cannot run on; the request as it is for a card without such a list.
 */
function usableBackends(spec: ModelSpec, requested: TfjsBackendOptions['backend']): TfjsBackendOptions['backend'] {
  const unsupported = spec.unsupportedBackends;
  if (unsupported === undefined) return requested;
  if (!isOptionsObject(unsupported)) {
    throw new VisionError('INVALID_OPTION', `model '${spec.id}': unsupportedBackends is ${shownValue(unsupported)}; it must be an object of backend names and why, e.g. { wasm: 'no int32 BatchMatMul' }`);
  }
  const order = tfjsBackendOrder(requested);
  const usable = order.filter((name) => unsupported[name] === undefined);
  if (usable.length === 0) {
    const reasons = order.map((name) => `${name}: ${unsupported[name]}`).join('; ');
    // those of this environment (in Node: wasm and cpu; webgpu and webgl need a browser)
    const others = tfjsBackendOrder(undefined).filter((name) => unsupported[name] === undefined);
    const advice = others.length > 0 ? `use backend ${others.join(', ')}` : `no backend of this environment (${tfjsBackendOrder(undefined).join(', ')}) can run it`;
    throw new VisionError('BACKEND_UNAVAILABLE', `model '${spec.id}' cannot run on ${order.join(', ')} (${reasons}); ${advice}`);
  }
  return usable;
}

/**
 * Finds the model card and loads the runner for a pipeline from its options: a catalogue id,
 * a card, a card plus `modelSource`, or a ready runner with a card. The card's `input` is checked
 * before anything loads, its input size and `outputs` against the model once it is loaded
 * (`INVALID_OPTION`).
 *
 * @example
 * ```ts
 * const { spec, runner } = await resolveModel('object-detection', 'centernet-coco', options);
 * ```
 */
export async function resolveModel(task: TaskName, defaultId: string, options: BasePipelineOptions, runnerSpec?: ModelSpec): Promise<ResolvedModel> {
  checkLoadingOptions(options);
  const model = options.model ?? defaultId;
  if (isModelRunner(model)) {
    if (!runnerSpec) throw new VisionError('INVALID_OPTION', 'a ready ModelRunner needs its card too: pass { model: runner, spec }');
    return { spec: checkedCard(task, runnerSpec, model), runner: model, ownsRunner: false };
  }
  if (typeof model === 'string' && !isCatalogued(model)) {
    const loaded = await fromFolder(task, model, options);
    if (loaded) return disposeOnFailure([loaded], () => ({ ...loaded, spec: checkedFolderCard(task, model, loaded) }));
  }
  const spec = typeof model === 'string' ? catalogueCard(task, model) : model;
  if (!spec || typeof spec !== 'object' || !spec.input) {
    throw new VisionError('INVALID_OPTION', 'model must be a catalogue id, a ModelSpec, or a ModelRunner with a spec');
  }
  if (spec.task !== task) throw wrongTask(spec, task);
  checkCardFields(spec);
  checkCardInput(spec.id, spec.input);
  const source = options.modelSource ?? resolveModelLocation(spec, options.modelBaseUrl);
  const runner = await loadModel(source, { ...loadModelOptionsOf(options), backend: usableBackends(spec, options.backend), format: options.format ?? spec.format });
  return disposeOnFailure([{ runner, ownsRunner: true }], () => ({ spec: checkedCard(task, spec, runner), runner, ownsRunner: true }));
}

/**
 * A card checked against the task and the model it was loaded with (input, outputs, output
 * types, labels — from the model's metadata when the card has none —, and a YOLO output's size
 * against those labels): the card to run with.
 */
function checkedCard(task: TaskName, spec: ModelSpec, runner: ModelRunner): ModelSpec {
  checkModelId(spec.id, "a model card's id");
  if (spec.task !== task) throw wrongTask(spec, task);
  checkCardFields(spec);
  checkCardInput(spec.id, spec.input);
  checkModelInput(spec, runner);
  checkCardOutputs(spec, runner);
  checkYoloOutputTypes(spec, runner.outputs);
  const labelled = withModelLabels(spec, runner);
  checkYoloOutputShape(labelled, runner.outputs);
  return labelled;
}

/**
 * The card a model folder holds, checked as any card ({@link checkedCard}): one that does not
 * fit is the saved folder's fault, `MODEL_FORMAT` naming the folder.
 */
function checkedFolderCard(task: TaskName, folder: string, loaded: ResolvedModel): ModelSpec {
  const card: unknown = loaded.spec;
  if (card === null || typeof card !== 'object' || !('input' in card) || typeof (card as ModelSpec).input !== 'object') {
    throw new VisionError('MODEL_FORMAT', `model folder ${folder}: its card has no input; re-save the model`);
  }
  try {
    return checkedCard(task, loaded.spec, loaded.runner);
  } catch (error) {
    if (!(error instanceof VisionError) || error.code !== 'INVALID_OPTION') throw error;
    throw new VisionError('MODEL_FORMAT', `model folder ${folder}: its saved card does not fit: ${error.message}`, { cause: error });
  }
}
