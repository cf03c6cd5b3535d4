import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { VisionError } from '../core/errors';
import type { Classification, Detection } from '../core/types';
import { MODEL_CATALOG } from '../models/catalog';
import type { TfjsBackendName } from '../runtime/tfjs-backend';
import { writeAnnotatedImage } from './annotate';
import { pipeline } from './index';

const USAGE = `Usage: visionpipe <command> [images...] [options]

Commands:
  detect     find objects (default model: centernet-coco, COCO-80)
  classify   classify images (default model: nsfw-mobilenet-v2)

With no images, runs on the bundled example photo.

Options:
  --model <id>        catalogued model id (${Object.keys(MODEL_CATALOG).join(', ')})
  --threshold <0..1>  minimum score
  --top <k>           classes to print per image (classify)
  --backend <name>    tfjs backend: wasm or cpu in Node
  --out <dir>         detect: also write annotated images (<name>.annotated.png) there
  --json              print JSON instead of a table
  -h, --help          show this help`;

/**
 * The example photo shipped with the package (three people, glasses, a bottle).
 *
 * @example
 * ```ts
 * await detector.run(EXAMPLE_PHOTO);
 * ```
 */
export const EXAMPLE_PHOTO = fileURLToPath(new URL('../assets/photo.jpg', import.meta.url));

interface CliOptions {
  model?: string;
  threshold?: string;
  top?: string;
  backend?: string;
  json?: boolean;
  out?: string;
  help?: boolean;
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new VisionError('INVALID_OPTION', `--${name} must be a number; got '${value}'`);
  return parsed;
}

function detectionRow(d: Detection): string {
  const { x1, y1, x2, y2 } = d.box;
  const box = [x1, y1, x2, y2].map((v) => Math.round(v).toString().padStart(5)).join(' ');
  return `  ${d.label.padEnd(16)} ${d.score.toFixed(2)}  [${box} ]`;
}

function classRow(c: Classification): string {
  return `  ${c.label.padEnd(16)} ${c.score.toFixed(3)}`;
}

async function runCommand(command: string, images: string[], options: CliOptions, print: (line: string) => void): Promise<void> {
  const shared = { model: options.model, backend: options.backend as TfjsBackendName | undefined, threshold: number(options.threshold, 'threshold') };
  const results: { image: string; result: unknown }[] = [];
  if (command === 'detect') {
    const detector = await pipeline('object-detection', shared);
    try {
      for (const image of images) {
        const result = await detector.run(image);
        results.push({ image, result });
        const written = options.out ? await writeAnnotatedImage(image, result.detections, options.out) : undefined;
        if (!options.json) {
          print(`${image}: ${result.detections.length} objects (${result.timing.total.toFixed(0)} ms, ${detector.runner.backend})`);
          result.detections.forEach((d) => print(detectionRow(d)));
          if (written) print(`  → ${written}`);
        }
      }
    } finally {
      detector.dispose();
    }
  } else {
    const classifier = await pipeline('image-classification', { ...shared, topK: number(options.top, 'top') ?? 3 });
    try {
      for (const image of images) {
        const result = await classifier.run(image);
        results.push({ image, result });
        if (!options.json) {
          print(`${image}: (${result.timing.total.toFixed(0)} ms, ${classifier.runner.backend})`);
          result.classes.forEach((c) => print(classRow(c)));
        }
      }
    } finally {
      classifier.dispose();
    }
  }
  if (options.json) print(JSON.stringify(results, null, 2));
}

/**
 * Runs the `visionpipe` command line and returns its exit code: 0 on success, 1 when a
 * model or image fails, 2 for usage errors.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['detect', 'photo.jpg', '--json']);
 * ```
 */
export async function main(argv: string[], print: (line: string) => void = console.log, printError: (line: string) => void = console.error): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        threshold: { type: 'string' },
        top: { type: 'string' },
        backend: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    printError(`visionpipe: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...images] = parsed.positionals;
  if (parsed.values.help || command === undefined) {
    (parsed.values.help ? print : printError)(USAGE);
    return parsed.values.help ? 0 : 2;
  }
  if (command !== 'detect' && command !== 'classify') {
    printError(`visionpipe: unknown command '${command}'; use detect or classify\n\n${USAGE}`);
    return 2;
  }
  try {
    await runCommand(command, images.length > 0 ? images : [EXAMPLE_PHOTO], parsed.values, print);
    return 0;
  } catch (error) {
    const code = error instanceof VisionError ? ` [${error.code}]` : '';
    printError(`visionpipe: ${(error as Error).message}${code}`);
    return error instanceof VisionError && error.code === 'INVALID_OPTION' ? 2 : 1;
  }
}
