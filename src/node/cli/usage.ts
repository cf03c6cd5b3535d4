import { MODEL_CATALOG } from '../../models/catalog';
import { type CliCommand, optionsOf } from './args';
import { INDEX_COMMAND_HELP } from './index-command-usage';

/** The catalogue ids as lines of at most `width` characters, each indented by `indent`. */
function wrapIds(ids: readonly string[], indent: string, width = 88): string {
  const lines: string[] = [];
  let line = '';
  for (const id of ids) {
    const next = line ? `${line}, ${id}` : id;
    if (indent.length + next.length + 1 > width && line) {
      lines.push(`${line},`);
      line = id;
    } else line = next;
  }
  lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

/**
 * The `visionpipe --help` text.
 *
 * @example
 * ```ts
 * console.log(USAGE);
 * ```
 */
export const USAGE = `Usage: visionpipe <command> [images, videos, folders or globs...] [options]
       visionpipe train <dataset folder> --out <model folder> [options]
       visionpipe models [fetch <id>...]
       visionpipe embed <images...> --out <index folder> [--model <id>]
       visionpipe search <image> --index <index folder> [--top k] [--out <dir>]
       visionpipe map <images...> --out <map.png> [--method pca|umap]
       visionpipe help [command] | --version

Commands:
  detect     find objects (default model: centernet-coco, COCO-80); videos: tracked IDs
  classify   classify images (default model: nsfw-mobilenet-v2, or a folder from train)
  segment    person segmentation (default model: selfie-segmentation; also meet-segmentation)
  pose       body keypoints (default model: movenet-lightning; also movenet-thunder,
             movenet-multipose, posenet-mobilenet, blazepose-lite|full|heavy); videos: smoothed
  hands      hand landmarks, 21 per hand with handedness and the built-in gesture (open_palm,
             fist, pointing, thumbs_up, victory or none) (default model: handlandmark-full;
             also handlandmark-lite); videos: hands followed from frame to frame, smoothed;
             --detector palm finds hands with MediaPipe's palm detector (rotated crops)
  face       face meshes: 468 points + irises (default model: facemesh with iris; also
             facemesh-attention, which runs on cpu); videos: tracked from the previous mesh, smoothed;
             --detector short uses BlazeFace short range (selfie distance) instead of full
  caption    describe images; needs --model <folder>: a trained visionpipe captioner
             (captioner.json) or a VisionEncoderDecoder ONNX export (encoder_model.onnx,
             decoder_model.onnx, tokenizer.json). No captioning model ships with visionpipe
  train      transfer learning: a classifier on the frozen MobileNetV2 backbone from a folder
             with one sub-folder of images per class; saves a folder for classify --model
  matte      person matte composited over a new background (default model: selfie-segmentation;
             also meet-segmentation, rvm — GPL-3.0, opt-in); videos: smoothed / recurrent
  embed      image embeddings (default model: mobilenet-v2-features) into a similarity
             index folder: index.vpsi and manifest.json (the model and the images' paths)
  search     the images of an index most like the query (cosine); --out writes
             <name>.similar.png, the query and its neighbours as thumbnails
  map        embeds the images and draws them as thumbnails on a 2-D map of the embedding
             space (--out map.png or a folder; --method pca (exact, default) or umap)
  models     list the catalogue (task, size, licence, available offline?); models fetch <id>
             puts coco-ssd or yolov5s-coco into the model cache (visionpipe models --help)

Inputs: image files, videos (.mp4, .webm, .mov, .mkv, .avi, .y4m; decoded with ffmpeg,
which must be installed), folders (their jpg/jpeg/png/webp files, not recursive) and quoted
globs such as "photos/*.jpg". With no inputs, runs on the bundled example photo. Any file
name works; put -- before names that start with - (visionpipe detect -- -x.mp4).

Options:
  --model <id|card.json|dir>
                          a catalogued model id:
${wrapIds(Object.keys(MODEL_CATALOG), '                            ')}
                          a ModelSpec card file (.json) for your own export, or a folder
                          (classify: from visionpipe train; caption: see above)
  --threshold <0..1>      minimum score (segment: person probability; default: most likely label)
  --top <k>               classes to print per image (classify); neighbours (search, default 5)
  --index <dir>           search: the folder written by visionpipe embed
  --backend <name>        tfjs backend: wasm or cpu in Node
  --out <dir>             write annotated PNGs there (<name>.annotated|mask|pose|hands|face|caption|matte.png),
                          and annotated videos (<name>.<same>.mp4, H.264); train: the model folder.
                          A folder (made when missing), never an existing file. <name> is the
                          input's name without extension; when taken (the same name from
                          another folder, a.jpg and a-2.jpg, an input file itself, or the
                          --background image or --model card) the next free <name>-2,
                          <name>-3 in input order. Inputs are never overwritten
  --json                  print one JSON array (an entry per image) instead of tables; with
                          videos among the inputs, JSON lines (one per image or frame)
  --every <n>             videos: analyse one frame in n
  --fps <rate>            videos: analyse this many frames per second (not with --every)
  --max-tokens <n>        caption: longest caption in tokens (default 20)
  --beams <n>             caption: beam search width (default 1: greedy)
  --head <kind>           train: softmax (default), svm, mlp or knn
  --epochs <n>            train: most epochs (default 50; early stopping after 5 without gain)
  --validation <share>    train: share of each class held out for validation (default 0.2)
  --seed <n>              train: seed of the split and the head's initialisation (default 1);
                          map: seed of UMAP (default 42)
  --method <m>            map: pca (exact, default) or umap
  --max <n>               hands: most hands per image or frame; face: most faces (default 10)
  --detector <d>          hands: handtrack (default; HandTrack boxes) or palm (MediaPipe's
                          palm detector: each hand cropped upright along its rotation);
                          face: full (default; BlazeFace full range, faces up to ~5 m away)
                          or short (short range: faces near the camera, as in a selfie)
  --background <b>        matte: blur (default), a CSS colour (#rgb[a], #rrggbb[aa], a name
                          such as green, rgb(…), hsl(…), oklch(…) …; '#00b140' for green screen;
                          transparent: a cut-out PNG, images only), or an image file, put
                          behind the person
  --max-pixels <n>        largest image or video frame accepted (width × height, default
                          67108864 = 8192×8192); larger ones fail before they are decoded
  -h, --help              show this help

Exit status: 0 all inputs done; 1 a model failed to load, training failed, or any input
failed (the others are still processed, failures are listed on stderr); 2 usage errors
(unknown command, option or model, bad option value, caption without --model).`;

/**
 * The line printed under a usage error (the whole usage would scroll the error away).
 *
 * @example
 * ```ts
 * console.error(`unknown command 'paint'\n${USAGE_HINT}`);
 * ```
 */
export const USAGE_HINT = "Run 'visionpipe --help' for the commands and options.";

/** The lines of a section of {@link USAGE} (after its title line, up to the blank line). */
function sectionLines(title: string): string[] {
  const lines = USAGE.split('\n');
  const start = lines.indexOf(title) + 1;
  const end = lines.findIndex((line, i) => i >= start && line === '');
  return lines.slice(start, end < 0 ? undefined : end);
}

/** The blocks of a section whose entries start at `entry` (a command or option line), with their continuation lines. */
function entryBlocks(lines: readonly string[], entry: RegExp): Map<string, string[]> {
  const blocks = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const match = entry.exec(line);
    if (match) blocks.set(match[1], (current = [line]));
    else current?.push(line);
  }
  return blocks;
}

/** The paragraph of {@link USAGE} that starts with `start`. */
function paragraph(start: string): string {
  const from = USAGE.indexOf(start);
  const end = USAGE.indexOf('\n\n', from);
  return USAGE.slice(from, end < 0 ? undefined : end);
}

/**
 * The `visionpipe <command> --help` text: the command's usage line and description, the
 * inputs it reads (not for `train`, which reads a dataset folder), and only the options it
 * takes (with `-h, --help`), cut from {@link USAGE} — `embed`, `search` and `map` with their
 * own inputs, `--model`, `--out` and `--json` ({@link INDEX_COMMAND_HELP}).
 *
 * @example
 * ```ts
 * console.log(commandUsage('hands')); // …--detector, --max …, not --beams
 * ```
 */
export function commandUsage(command: CliCommand): string {
  const usageLines = USAGE.slice(0, USAGE.indexOf('\n\n')).split('\n').map((line) => line.replace(/^(Usage:)?\s+/, ''));
  const usage = usageLines.find((line) => line.startsWith(`visionpipe ${command} `)) ?? `visionpipe ${command} [images, videos, folders or globs...] [options]`;
  const description = entryBlocks(sectionLines('Commands:'), /^ {2}(\w+) {2,}/).get(command) ?? [];
  const options = entryBlocks(sectionLines('Options:'), /^ {2}(?:-h, )?--([\w-]+)/);
  const own = INDEX_COMMAND_HELP[command];
  const taken = [...optionsOf(command), 'help'].flatMap((name) => own?.options[name] ?? options.get(name) ?? []);
  // train reads one dataset folder, not the inputs the other commands take
  const inputs = command === 'train' ? [] : [own?.inputs ?? paragraph('Inputs:'), ''];
  return [`Usage: ${usage}`, '', ...description.map((line) => line.slice(2)), '', ...inputs, 'Options:', ...taken, '', paragraph('Exit status:'), '', USAGE_HINT].join('\n');
}
