import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';

/**
 * The line (1-based, within the YAML text) of the deepest node along `path` that exists; for a map
 * entry, the line of its key. Best effort: used only to point error messages at the right line.
 */
export function lineOfPath(document: Document, path: readonly PropertyKey[], lineCounter: LineCounter): number {
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as YamlNode | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  let node: unknown = document.contents;
  let line = lineOf(node) ?? 1;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (!pair) break;
      line = lineOf(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (!item) break;
      line = lineOf(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** Line where a scalar's text starts: block scalars (`|`, `>`) start on the line after the key. */
export function lineOfScalarText(node: unknown, lineCounter: LineCounter): number | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const line = lineCounter.linePos(node.range[0]).line;
  return node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED' ? line + 1 : line;
}
