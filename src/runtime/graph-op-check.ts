import type * as tf from '@tensorflow/tfjs';

/** The parts of tfjs' compiled graph (`GraphModel`'s executor) that say which kernel each node runs. */
interface CompiledGraph {
  nodes?: Record<string, { op: string; category?: string }>;
  functions?: Record<string, CompiledGraph>;
}

/**
 * The ops of a loaded tfjs graph model — its main graph and its control-flow functions — that tfjs
 * has no kernel for and no `tf.registerOp` registration either. tfjs loads such a model and then
 * fails every run with "Unknown op"; checking at load names them once, as onnxruntime does when it
 * creates a session. An empty list when tfjs' compiled graph cannot be read (a later tfjs that
 * keeps it elsewhere): then the run reports the op, as before.
 *
 * @example
 * ```ts
 * const model = tf.loadGraphModelSync(artifacts);
 * const missing = unknownGraphOps(model); // e.g. ['FrobnicateV9']
 * ```
 */
export function unknownGraphOps(model: tf.GraphModel): string[] {
  const graph = (model as unknown as { executor?: { graph?: CompiledGraph } }).executor?.graph;
  const unknown = new Set<string>();
  const seen = new Set<CompiledGraph>();
  const visit = (part: CompiledGraph | undefined) => {
    if (!part || seen.has(part)) return;
    seen.add(part);
    for (const node of Object.values(part.nodes ?? {})) if (node.category === undefined) unknown.add(node.op);
    for (const inner of Object.values(part.functions ?? {})) visit(inner);
  };
  visit(graph);
  return [...unknown];
}
