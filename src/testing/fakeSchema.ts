/**
 * The JSON Schema subset structured outputs accept, checked the way the API does. It mirrors the
 * SDK's own transform (`lib/transform-json-schema` in @anthropic-ai/sdk): whatever that transform
 * keeps is accepted, whatever it would move into a description (`minimum`, `maxLength`, `pattern`,
 * `minItems` above 1, unsupported `format`s …) or rewrite (`oneOf`, `additionalProperties` other
 * than false) is rejected. A schema sent through `jsonSchemaOutputFormat` therefore passes; the
 * same schema sent as written does not, as with the real API.
 */

const SUPPORTED_STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

/** Keywords allowed on any node; the rest depend on the node's type. */
const ANY_NODE = new Set(['type', 'enum', 'const', 'anyOf', 'allOf', '$defs', '$ref', 'description', 'title', '$schema']);
const BY_TYPE: Record<string, Set<string>> = {
  object: new Set(['properties', 'additionalProperties', 'required']),
  string: new Set(['format']),
  array: new Set(['items', 'minItems']),
};

export interface SchemaProblem {
  /** JSON Pointer-like path inside the schema, `''` for the root. */
  path: string;
  message: string;
}

const isPrimitive = (value: unknown): boolean => value === null || typeof value !== 'object';

/** The first unsupported construct of a structured-output schema, or undefined when it is accepted. */
export function unsupportedSchemaConstruct(schema: unknown, path = ''): SchemaProblem | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    return { path, message: 'a schema must be an object' };
  }
  const node = schema as Record<string, unknown>;
  const type = typeof node.type === 'string' ? node.type : undefined;
  const allowed = BY_TYPE[type ?? ''];
  for (const keyword of Object.keys(node)) {
    if (ANY_NODE.has(keyword) || allowed?.has(keyword)) continue;
    const what = keyword === 'oneOf' ? "'oneOf' is not supported; use 'anyOf'" : `'${keyword}' is not supported${type ? ` for type '${type}'` : ''}`;
    return { path, message: what };
  }
  if (Array.isArray(node.type)) return { path, message: "'type' must be a single type name; use 'anyOf' for unions" };
  const hasLiterals = node.enum !== undefined || node.const !== undefined;
  if (type === undefined && !hasLiterals && node.anyOf === undefined && node.allOf === undefined && node.$ref === undefined) {
    return { path, message: "a schema needs 'type' unless it uses anyOf, allOf, enum, const or $ref" };
  }
  if (node.enum !== undefined && (!Array.isArray(node.enum) || node.enum.length === 0 || !node.enum.every(isPrimitive))) {
    return { path, message: "'enum' must be a non-empty list of strings, numbers, booleans or null" };
  }
  if (node.const !== undefined && !isPrimitive(node.const)) return { path, message: "'const' must be a string, number, boolean or null" };
  if (type === 'object' && node.additionalProperties !== false) {
    return { path, message: "'additionalProperties' must be set to false for objects" };
  }
  if (type === 'string' && node.format !== undefined && !SUPPORTED_STRING_FORMATS.has(String(node.format))) {
    return { path, message: `format '${String(node.format)}' is not supported` };
  }
  if (type === 'array' && node.minItems !== undefined && node.minItems !== 0 && node.minItems !== 1) {
    return { path, message: `'minItems' of ${JSON.stringify(node.minItems)} is not supported (only 0 or 1)` };
  }
  return children(node, path).reduce<SchemaProblem | undefined>((found, [child, childPath]) => found ?? unsupportedSchemaConstruct(child, childPath), undefined);
}

function children(node: Record<string, unknown>, path: string): [unknown, string][] {
  const found: [unknown, string][] = [];
  const record = (value: unknown, prefix: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value)) found.push([child, `${path}/${prefix}/${key}`]);
    }
  };
  record(node.properties, 'properties');
  record(node.$defs, '$defs');
  if (node.items !== undefined) found.push([node.items, `${path}/items`]);
  for (const key of ['anyOf', 'allOf'] as const) {
    const list = node[key];
    if (Array.isArray(list)) list.forEach((child, i) => found.push([child, `${path}/${key}/${i}`]));
  }
  return found;
}
