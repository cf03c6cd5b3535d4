/**
 * What `visionpipe embed|search|map --help` says instead of the general text: these commands
 * read images only, write an index folder, a contact sheet or a map, and print one JSON object.
 */
import { MODEL_CATALOG } from '../../models/catalog';
import type { CliCommand } from './args';

/** The inputs paragraph and the option entries a command replaces in its `--help`. */
export interface CommandHelp {
  inputs: string;
  options: Readonly<Record<string, readonly string[]>>;
}

const FEATURE_MODELS = /* @__PURE__ */ Object.values(MODEL_CATALOG).filter((spec) => spec.task === 'image-feature-extraction').map((spec) => spec.id);

const IMAGES = `Inputs: image files, folders (their jpg/jpeg/png/webp files, not recursive) and quoted
globs such as "photos/*.jpg"; videos are refused. Any file name works; put -- before names
that start with - (visionpipe COMMAND -- -x.jpg).`;

const MODEL = [
  '  --model <id|card.json>  the embedding model: a catalogued feature extractor (the first is',
  `                          the default: ${FEATURE_MODELS.join(', ')})`,
  '                          or a card file (family pooled-output) for your own export',
];

/**
 * Per-command help of the similarity commands, by command.
 *
 * @example
 * ```ts
 * INDEX_COMMAND_HELP.search?.options.json; // the lines that describe search --json
 * ```
 */
export const INDEX_COMMAND_HELP: Partial<Record<CliCommand, CommandHelp>> = {
  embed: {
    inputs: `${IMAGES.replace('COMMAND', 'embed')}\nAt least one image; nothing is written when none could be embedded.`,
    options: {
      model: MODEL,
      out: ['  --out <dir>             the index folder (made when missing): index.vpsi and manifest.json'],
    },
  },
  search: {
    inputs: `Input: one query image (put -- before a name that starts with -); the index's model embeds it.`,
    options: {
      out: [
        '  --out <dir>             write <name>.similar.png there (made when missing): the query and its',
        '                          neighbours as thumbnails; <name> is the query\'s name (the next',
        '                          free <name>-2… when that is taken)',
      ],
      json: ['  --json                  print { query, neighbours: [{ rank, id, score, path }] } (and output,', '                          the contact sheet, with --out) instead of the table'],
    },
  },
  map: {
    inputs: `${IMAGES.replace('COMMAND', 'map')}\nAt least 2 images (3 for umap).`,
    options: {
      model: MODEL,
      out: ['  --out <map.png|dir>     the map\'s PNG (replaced when it exists; never one of the inputs), or a', '                          folder (made when missing) that gets map.png'],
      json: ['  --json                  print { method, map, width, height, points: [{ file, x, y }] }', '                          (canvas pixels) instead of the summary'],
    },
  },
};
