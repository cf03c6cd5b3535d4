import { VisionError, type VisionErrorCode } from '../core/errors';

/**
 * Parses the text of a loaded file (model.json, card, knn.json, tokenizer, config) as JSON.
 * When it is not JSON the error says where (line and column) but never quotes the text: the
 * file may not be what its name says, and its bytes must not reach logs or a page.
 *
 * @example
 * ```ts
 * const card = parseJsonText(await readFile(path, 'utf8'), path, 'INVALID_OPTION', 'a model card (a ModelSpec as JSON)');
 * ```
 */
export function parseJsonText(text: string, name: string, code: VisionErrorCode, expected: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Only the number is taken from the engine's message, which may quote the text.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    throw new VisionError(code, `${name} is not ${expected}: it is not valid JSON${position ? lineAndColumn(text, Number(position[1])) : ''}`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return ` (line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')})`;
}
