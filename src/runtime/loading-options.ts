/**
 * Type checks of the loading options `loadModel` and every pipeline take (where the model comes
 * from and how it is read): a wrong type is `INVALID_OPTION` before loading, not a raw TypeError
 * while loading or an option silently ignored.
 */
import { VisionError } from '../core/errors';
import { shownValue } from '../core/shown-value';

/** The loading options {@link checkLoadingOptions} looks at, as given (any type). */
type GivenLoadingOptions = Partial<Record<'modelRoot' | 'modelBaseUrl' | 'wasmPaths' | 'onProgress' | 'cache' | 'fuseConvolutions' | 'executionProviders', unknown>>;

const fail = (name: string, value: unknown, allowed: string): never => {
  throw new VisionError('INVALID_OPTION', `${name} is ${shownValue(value)}; it must be ${allowed}`);
};

/**
 * Checks the types of `modelRoot`, `modelBaseUrl`, `wasmPaths` (strings), `onProgress` (a
 * function), `cache` (a boolean or a cache name), `fuseConvolutions` (a boolean) and
 * `executionProviders` (a list); values left out pass. The values themselves (a missing file, an
 * unknown provider) are checked where they are used.
 *
 * @throws VisionError `INVALID_OPTION` naming the option and what it must be.
 * @example
 * ```ts
 * checkLoadingOptions({ modelRoot: '/models', cache: true }); // passes
 * ```
 */
export function checkLoadingOptions(options: GivenLoadingOptions): void {
  for (const name of ['modelRoot', 'modelBaseUrl', 'wasmPaths'] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== 'string') fail(name, value, 'a string (a folder, URL or path)');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') fail('onProgress', options.onProgress, 'a function of { loaded, total }');
  if (options.cache !== undefined && typeof options.cache !== 'boolean' && typeof options.cache !== 'string') fail('cache', options.cache, 'true, false or the name of a cache');
  if (options.fuseConvolutions !== undefined && typeof options.fuseConvolutions !== 'boolean') fail('fuseConvolutions', options.fuseConvolutions, 'true or false');
  if (options.executionProviders !== undefined && !Array.isArray(options.executionProviders)) fail('executionProviders', options.executionProviders, "a list such as ['webgpu', 'wasm']");
}
