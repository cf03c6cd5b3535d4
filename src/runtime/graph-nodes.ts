/**
 * Reading the topology of a converted tfjs graph model (model.json's `modelTopology.node`):
 * node and attribute shapes, tensor references, consumers — what the load-time graph rewrites
 * (`graph-fusion.ts`, `graph-transposed-conv.ts`) share.
 */

/**
 * A node attribute as a converted model.json stores it (strings base64, integers as strings).
 *
 * @example
 * ```ts
 * const padding: GraphAttr = { s: base64('SAME') };
 * ```
 */
export interface GraphAttr {
  type?: string;
  s?: string;
  list?: { s?: string[]; i?: string[] };
  i?: string;
  f?: number;
  tensor?: { dtype: string; tensorShape: { dim: { size: string }[] } };
}

/**
 * One node of a graph model's topology (the fields the rewrites read and write).
 *
 * @example
 * ```ts
 * const relu: GraphNode = { name: 'act', op: 'Relu', input: ['conv'], attr: { T: { type: 'DT_FLOAT' } } };
 * ```
 */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, GraphAttr>;
  device?: string;
}

/** A string as model.json stores string attributes (base64). @example `node.attr?.padding?.s === base64('SAME')` */
export const base64 = (text: string): string => (typeof btoa === 'function' ? btoa(text) : Buffer.from(text, 'latin1').toString('base64'));

/** The node a tensor reference (`name`, `name:1`, `^name`) points at. @example `referencedNode('split:1'); // 'split'` */
export function referencedNode(reference: string): string {
  const name = reference.startsWith('^') ? reference.slice(1) : reference;
  const colon = name.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(name.slice(colon + 1)) ? name.slice(0, colon) : name;
}

/** Every reference to each node, by node name. @example `consumersOf(nodes).get('conv')?.length` */
export function consumersOf(nodes: readonly GraphNode[]): Map<string, GraphNode[]> {
  const consumers = new Map<string, GraphNode[]>();
  for (const node of nodes) {
    for (const reference of node.input ?? []) {
      const name = referencedNode(reference);
      const list = consumers.get(name);
      if (list) list.push(node);
      else consumers.set(name, [node]);
    }
  }
  return consumers;
}

/** Whether a node computes in float32 (its `T` attribute, absent meaning float). @example `if (!isFloat(node)) continue;` */
export const isFloat = (node: GraphNode): boolean => node.attr?.T?.type === undefined || node.attr.T.type === 'DT_FLOAT';

/** Whether each input of a node is a plain first-output reference (no control input, no `:1`). @example `if (!plainInputs(node)) continue;` */
export const plainInputs = (node: GraphNode): boolean => (node.input ?? []).every((reference) => !reference.startsWith('^') && referencedNode(reference) === reference);
