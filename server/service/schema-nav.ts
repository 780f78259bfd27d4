import { configSchema } from '../../engine/analysis/schema';

/** The parts of a JSON schema node that hover and completion read. */
export interface SchemaNode {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  enumDescriptions?: string[];
}

const root = configSchema as SchemaNode & { definitions?: Record<string, SchemaNode> };

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref;
  if (!ref?.startsWith('#/definitions/')) return node;
  return resolve(root.definitions?.[ref.slice('#/definitions/'.length)]);
}

/** The schema of the value at a JSON path of a config (`['jobs', 0, 'tasks', 2, 'timeout']`). */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const segment of path) {
    if (!node) return undefined;
    node = typeof segment === 'number' ? resolve(node.items) : Object.hasOwn(node.properties ?? {}, segment) ? resolve(node.properties?.[segment]) : undefined;
  }
  return node;
}
