import { MODEL_CATALOG } from '../../models/catalog';

/**
 * The `visionpipe --help` text.
 *
 * @example
 * ```ts
 * console.log(USAGE);
 * ```
 */
export const USAGE = `Usage: visionpipe <command> [images, folders or globs...] [options]

Commands:
  detect     find objects (default model: centernet-coco, COCO-80)
  classify   classify images (default model: nsfw-mobilenet-v2)
  segment    person segmentation (default model: selfie-segmentation; also meet-segmentation)
  pose       body keypoints (default model: movenet-lightning; also movenet-thunder,
             movenet-multipose, posenet-mobilenet, blazepose-lite|full|heavy)

Inputs: image files, folders (their jpg/jpeg/png/webp files, not recursive) and quoted
globs such as "photos/*.jpg". With no inputs, runs on the bundled example photo.

Options:
  --model <id|card.json>  a catalogued model id (${Object.keys(MODEL_CATALOG).join(', ')})
                          or a ModelSpec card file (.json) for your own export
  --threshold <0..1>      minimum score (segment: person probability; default: most likely label)
  --top <k>               classes to print per image (classify)
  --backend <name>        tfjs backend: wasm or cpu in Node
  --out <dir>             write annotated PNGs there (<name>.annotated|mask|pose.png)
  --json                  print one JSON array (an entry per image) instead of tables
  -h, --help              show this help

Exit status: 0 all images done; 1 a model failed to load or any image failed (the
others are still processed, failures are listed on stderr); 2 usage errors (unknown
command, option or model, bad option value).`;
