import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { repeatedKeyMessage } from '../repeatedKeys.js';
import { describeJsonError } from './jsonError.js';
import { typeName, type ProblemList } from './problems.js';
import type { RawCase } from './rawCase.js';

const topLevelKeys = ['cases', 'description'];

/**
 * A JSON or YAML file holding either a list of cases or `{ cases: [...] }`. The `yaml` parser is
 * used for both so each case gets the line its object starts on; JSON is first checked with
 * JSON.parse so JSON files keep strict JSON rules and JSON error messages.
 */
export function readDocument(text: string, format: 'json' | 'yaml', problems: ProblemList): RawCase[] {
  let jsonValue: unknown;
  if (format === 'json') {
    try {
      jsonValue = JSON.parse(text);
    } catch (error) {
      const { line, message } = describeJsonError(error, text);
      problems.add({ line, message });
      return [];
    }
  }
  const lineCounter = new LineCounter();
  // Keys written twice are found below, where they can be named with their lines and paths.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  if (document.errors.length > 0) {
    for (const error of document.errors) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      problems.add({ line, message: `not valid YAML (${error.message.split('\n')[0]} at column ${col})` });
    }
    return [];
  }
  const lineOf = (node: unknown): number => {
    const range = (node as YamlNode | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  const repeated = repeatedMapKeys(document.contents);
  for (const { path, key, first, again } of repeated) {
    problems.add({ line: lineOf(again), field: caseField(document.contents, path), message: repeatedKeyMessage(key, `on line ${lineOf(first)}`) });
  }
  if (repeated.length > 0) return [];
  const value = format === 'json' ? jsonValue : document.toJS();

  let sequenceNode: unknown = document.contents;
  let items: unknown = value;
  if (isMap(document.contents)) {
    for (const pair of document.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!topLevelKeys.includes(key)) {
        problems.add({
          line: lineOf(pair.key),
          field: key,
          message: `unknown top-level key "${key}" (allowed: ${topLevelKeys.join(', ')})`,
        });
      }
    }
    sequenceNode = document.contents.get('cases', true);
    items = (value as Record<string, unknown>).cases;
  }
  if (!isSeq(sequenceNode) || !Array.isArray(items)) {
    const found = isMap(document.contents) ? typeName(items) : typeName(value);
    problems.add({
      line: lineOf(sequenceNode ?? document.contents),
      field: isMap(document.contents) ? 'cases' : undefined,
      message: `expected a list of cases or an object { cases: [...] }, got ${found}`,
    });
    return [];
  }
  return items.map((item, index) => ({ value: withIdAsWritten(item, sequenceNode.items[index]), line: lineOf(sequenceNode.items[index]) }));
}

/**
 * A numeric id as the file writes it: YAML reads `id: 007` as the number 7 (and `1.50` as 1.5,
 * `0x1F` as 31), which would become the id "7" and no longer pair with "007" elsewhere.
 */
function withIdAsWritten(item: unknown, node: unknown): unknown {
  if (!isMap(node) || item === null || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'number') return item;
  const id = node.get('id', true);
  if (!isScalar(id) || typeof id.source !== 'string' || id.source === String(id.value)) return item;
  return { ...item, id: id.source };
}

/** A path from the document's top as a field of the case it is in (`cases.2.vars.x` → `vars.x`). */
function caseField(root: unknown, path: string[]): string {
  if (isSeq(root)) return path.slice(1).join('.');
  return (path[0] === 'cases' && path.length > 2 ? path.slice(2) : path).join('.');
}

/** A key written twice in one mapping: its path from the document's top, and both key nodes. */
interface RepeatedMapKey {
  path: string[];
  key: string;
  first: unknown;
  again: unknown;
}

/**
 * Every key written twice in one mapping of a YAML (or JSON) document, walked without recursion.
 * Keys are compared as the JavaScript object will hold them (`1` and `"1"` are one key there), so
 * no value is dropped when the document becomes objects.
 */
export function repeatedMapKeys(root: unknown): RepeatedMapKey[] {
  const found: RepeatedMapKey[] = [];
  const pending: Array<{ node: unknown; path: string[] }> = [{ node: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, path } = next;
    if (isSeq(node)) {
      node.items.forEach((item, index) => pending.push({ node: item, path: [...path, String(index)] }));
    } else if (isMap(node)) {
      const seen = new Map<string, unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? objectKeyOf(pair.key.value) : String(pair.key);
        const first = seen.get(key);
        if (first !== undefined) found.push({ path: [...path, key], key, first, again: pair.key });
        else seen.set(key, pair.key);
        pending.push({ node: pair.value, path: [...path, key] });
      }
    }
  }
  return found.sort((a, b) => position(a.again) - position(b.again));
}

function position(node: unknown): number {
  return (node as YamlNode | undefined)?.range?.[0] ?? 0;
}

/** The property name a scalar key becomes in the object (yaml turns a null key, `null` or `~`, into ''). */
function objectKeyOf(value: unknown): string {
  return value === null ? '' : String(value);
}
