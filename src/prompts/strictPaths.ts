/**
 * Strict paths where Handlebars' own strict mode is silent or vague, by rewriting the template's
 * AST once at compile time (no Handlebars internals are touched):
 *
 * - a path through a block parameter (`{{#each items as |item|}}{{item.mesage}}`): Handlebars
 *   never checks these, so a typo rendered as an empty string;
 * - a property of a string or number (`{{word.lenght}}`): Handlebars failed with a JavaScript
 *   `TypeError` that named no file or line (and refused even `{{word.length}}`);
 * - a property inside a block (`{{#each items}}{{mesage}}`) and a nested one (`customer.nmae`):
 *   Handlebars found them, but could not say what the value does have;
 * - `{{lookup obj key}}` on a key `obj` does not have: the built-in helper rendered nothing.
 *
 * Each such mustache (`{{…}}` on its own, where the value is printed) becomes a call of an internal
 * helper that walks the path and throws a StrictPathError naming the part that is missing, the value
 * it was looked up in and what that value has. A helper call costs more than Handlebars' own lookup,
 * so only block parameters and `{{lookup}}` are rewritten in the template that renders every case;
 * paths on the context, which Handlebars already checks, are rewritten in a second template that
 * renders a case only after the first failed on it.
 *
 * Paths used as arguments (`{{#if item.note}}`, `{{#each item.tags}}`, `{{json item.meta}}`,
 * `(lookup obj key)`) keep the rule Handlebars' strict mode has for root variables: the last part
 * may be missing (the value is then undefined: false, empty), so optional content is written
 * `{{#if item.note}}{{item.note}}{{/if}}`; a missing part before it failed with a TypeError, which
 * the second template turns into the same error as a printed path. A single root variable
 * (`{{ticket}}`) is left to the check before rendering, which already names it with what the case has.
 */
import { likelyMeant, meantText } from '../knownKeys.js';

/** Names a template cannot call by accident: a helper name with a space must be written `[…]`. */
const PATH_HELPER = 'promptgold path';
const LOOKUP_HELPER = 'promptgold lookup';
const ARGUMENT_HELPER = 'promptgold argument';

/** One rewritten mustache, as written in its source. */
export interface PathSite {
  /** The path as written (`item.message`), or the call (`lookup obj key`). */
  original: string;
  /** What the walk starts from, for messages: `item`, `customer`, `the case's vars`, `the current item of {{#each items}}`. */
  base: string;
  /** Whether `base` is a name the path starts with (a block parameter): later holders are named `base.part`. */
  baseIsName: boolean;
  /** The parts looked up from the base, in order. */
  parts: string[];
  /** Line in the source the site is in (1-based). */
  line: number;
  /** Set when the site is in a partial: its name. */
  partial?: string;
  /** For `{{lookup}}`: the key's source text. */
  lookupKey?: string;
}

/** Thrown by the path helpers; compilePrompt turns it into an InputError with the case and file. */
export class StrictPathError extends Error {
  constructor(
    readonly site: PathSite,
    /** The part (or the looked-up key) that is missing. */
    readonly missing: string,
    /** The holder's name as written, e.g. `item.address`. */
    readonly holderName: string,
    /** The value the part was looked up in. */
    readonly holder: unknown,
  ) {
    super(`"${missing}" not found in ${holderName}`);
    this.name = 'StrictPathError';
  }
}

interface RewriteOptions {
  isHelper(name: string): boolean;
  /** Block helpers that keep the context (`if`, `unless`, conversation turns). */
  contextPreservingBlocks: ReadonlySet<string>;
  /** Set for a partial: its name (its context is the caller's, so no path in it is known to be root). */
  partial?: string;
  /**
   * Whether printed paths on the context (`{{customer.name}}`, `{{this.message}}`) and argument paths
   * with a part before their last (`{{#if item.address.city}}`) are rewritten too. Handlebars'
   * strict mode already refuses those when missing, at no cost, so a template is rendered without
   * and only a failed render is redone with them, for the error's detail (see compilePrompt).
   */
  diagnostic: boolean;
}

type Mustache = hbs.AST.MustacheStatement;
type Path = hbs.AST.PathExpression;

/** Where a path's walk starts (a block parameter or a context), and the parts looked up from there. */
interface Walk {
  base: Path;
  label: string;
  baseIsName: boolean;
  parts: string[];
  /** A single variable of the case's vars (`{{ticket}}`), checked before rendering. */
  rootVariable: boolean;
}

/**
 * The program with every strict-position path the runtime must check rewritten into a helper call;
 * the sites are appended to `sites` (shared by every source of one compiled prompt, the site's
 * index is the helper's last argument). The given program is not changed.
 */
export function rewriteStrictPaths(program: hbs.AST.Program, sites: PathSite[], options: RewriteOptions): hbs.AST.Program {
  /** `blockParams`: names in scope, innermost last; `contexts`: labels of context-changing blocks, innermost last. */
  const walkProgram = (node: hbs.AST.Program, blockParams: string[][], contexts: string[]): hbs.AST.Program => {
    const scope = node.blockParams?.length ? [...blockParams, node.blockParams] : blockParams;
    let changed = false;
    const body = node.body.map((statement) => {
      const next = walkStatement(statement, scope, contexts);
      if (next !== statement) changed = true;
      return next;
    });
    return changed ? { ...node, body } : node;
  };

  const walkStatement = (statement: hbs.AST.Statement, blockParams: string[][], contexts: string[]): hbs.AST.Statement => {
    if (statement.type === 'MustacheStatement') return rewriteMustache(statement as Mustache, blockParams, contexts);
    if (statement.type !== 'BlockStatement') return statement;
    const block = statement as hbs.AST.BlockStatement;
    const name = block.path.type === 'PathExpression' && (block.path as Path).parts.length === 1 ? (block.path as Path).parts[0]! : undefined;
    const preserving = name !== undefined && options.contextPreservingBlocks.has(name);
    const inner = preserving ? contexts : [...contexts, blockLabel(block)];
    const program = block.program ? walkProgram(block.program, blockParams, inner) : block.program;
    const inverse = block.inverse ? walkProgram(block.inverse, blockParams, contexts) : block.inverse;
    const args = rewriteArguments(block, blockParams, contexts);
    if (program === block.program && inverse === block.inverse && args === block) return block;
    const next: hbs.AST.BlockStatement = { ...block, ...args, program, inverse };
    return next;
  };

  /** Where `path` starts from, or undefined for `@data`, `this` alone and helper names. */
  const walkOf = (path: Path, blockParams: string[][], contexts: string[]): Walk | undefined => {
    if (path.data || path.parts.length === 0) return undefined;
    const head = path.parts[0]!;
    const scoped = /^\.|this\b/.test(path.original);
    if (path.depth === 0 && !scoped && blockParams.some((names) => names.includes(head))) {
      const base: Path = { type: 'PathExpression', data: false, depth: 0, parts: [head], original: head, loc: path.loc };
      return { base, label: head, baseIsName: true, parts: path.parts.slice(1), rootVariable: false };
    }
    const atRoot = options.partial === undefined && path.depth >= contexts.length;
    const base: Path = { type: 'PathExpression', data: false, depth: path.depth, parts: [], original: 'this', loc: path.loc };
    const label = options.partial !== undefined ? `the context of partial "${options.partial}"` : atRoot ? "the case's vars" : contexts[contexts.length - 1 - path.depth]!;
    return { base, label, baseIsName: false, parts: [...path.parts], rootVariable: atRoot && path.parts.length === 1 && !scoped };
  };

  const siteOf = (path: Path, walk: Walk, node: { loc?: hbs.AST.SourceLocation }): number => {
    const site: PathSite = { original: path.original, base: walk.label, baseIsName: walk.baseIsName, parts: walk.parts, line: node.loc?.start.line ?? 1 };
    if (options.partial !== undefined) site.partial = options.partial;
    return sites.push(site) - 1;
  };

  const rewriteMustache = (mustache: Mustache, blockParams: string[][], contexts: string[]): hbs.AST.Statement => {
    if (mustache.path.type !== 'PathExpression') return mustache;
    const path = mustache.path as Path;
    if (mustache.params.length > 0 || mustache.hash) {
      const call = rewriteArguments(mustache, blockParams, contexts);
      if (path.original !== 'lookup' || call.params.length !== 2 || call.hash || !options.isHelper('lookup')) return call === mustache ? mustache : { ...mustache, ...call };
      const [object, key] = call.params as [hbs.AST.Expression, hbs.AST.Expression];
      const [objectText, keyText] = [sourceOf(mustache.params[0]!), sourceOf(mustache.params[1]!)];
      const site: PathSite = { original: `lookup ${objectText} ${keyText}`, base: objectText, baseIsName: true, parts: [], lookupKey: keyText, line: mustache.loc?.start.line ?? 1 };
      if (options.partial !== undefined) site.partial = options.partial;
      return { ...mustache, ...helperCall(mustache, LOOKUP_HELPER, [object, key], sites.push(site) - 1) };
    }
    const walk = walkOf(path, blockParams, contexts);
    if (!walk || walk.rootVariable) return mustache;
    if (walk.baseIsName) {
      if (walk.parts.length === 0) return mustache;
    } else if (!options.diagnostic || (path.parts.length === 1 && path.depth === 0 && !/^\.|this\b/.test(path.original) && options.isHelper(path.parts[0]!))) {
      return mustache;
    }
    return { ...mustache, ...helperCall(mustache, PATH_HELPER, [walk.base], siteOf(path, walk, mustache)) };
  };

  /**
   * For the diagnostic template only: an argument path with a part before its last
   * (`{{#if item.address.city}}`) read by a helper that names the part when it is missing, where
   * Handlebars failed with a TypeError. Its last part may be missing, as in Handlebars.
   */
  const rewriteArguments = <Call extends { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }>(call: Call, blockParams: string[][], contexts: string[]): Call => {
    if (!options.diagnostic) return call;
    const rewrite = (expression: hbs.AST.Expression): hbs.AST.Expression => {
      if (expression.type === 'SubExpression') {
        const sub = expression as hbs.AST.SubExpression;
        const next = rewriteArguments(sub, blockParams, contexts);
        return next === sub ? sub : next;
      }
      if (expression.type !== 'PathExpression') return expression;
      const path = expression as Path;
      const walk = walkOf(path, blockParams, contexts);
      if (!walk || walk.parts.length < 2) return expression;
      const call: hbs.AST.SubExpression = { type: 'SubExpression', ...helperCall(path, ARGUMENT_HELPER, [walk.base], siteOf(path, walk, path)), hash: { type: 'Hash', pairs: [], loc: path.loc }, loc: path.loc };
      return call;
    };
    let changed = false;
    const params = call.params.map((param) => {
      const next = rewrite(param);
      if (next !== param) changed = true;
      return next;
    });
    const pairs = call.hash?.pairs.map((pair) => {
      const value = rewrite(pair.value);
      if (value !== pair.value) changed = true;
      return value === pair.value ? pair : { ...pair, value };
    });
    if (!changed) return call;
    return { ...call, params, ...(call.hash && pairs && { hash: { ...call.hash, pairs } }) };
  };

  return walkProgram(program, [], []);
}

/** A call of one of our helpers, the site's index last, at the place of `node`. */
function helperCall(node: { loc: hbs.AST.SourceLocation }, helper: string, params: hbs.AST.Expression[], site: number): { path: Path; params: hbs.AST.Expression[] } {
  const path: Path = { type: 'PathExpression', data: false, depth: 0, parts: [helper], original: helper, loc: node.loc };
  const index: hbs.AST.NumberLiteral = { type: 'NumberLiteral', value: site, original: site, loc: node.loc };
  return { path, params: [...params, index] };
}

/** `the current item of {{#each items}}`, `the value of {{#with customer}}`. */
function blockLabel(block: hbs.AST.BlockStatement): string {
  const name = block.path.type === 'PathExpression' ? (block.path as Path).original : 'block';
  const argument = block.params[0] ? ` ${sourceOf(block.params[0])}` : '';
  const what = name === 'each' ? 'the current item of' : name === 'with' ? 'the value of' : 'the context of';
  return `${what} {{#${name}${argument}}}`;
}

function sourceOf(expression: hbs.AST.Expression): string {
  switch (expression.type) {
    case 'PathExpression':
      return (expression as Path).original;
    case 'StringLiteral':
      return JSON.stringify((expression as hbs.AST.StringLiteral).value);
    case 'SubExpression':
      return `(${sourceOf((expression as hbs.AST.SubExpression).path)} …)`;
    default:
      return String((expression as hbs.AST.Literal & { original?: unknown }).original ?? (expression as { value?: unknown }).value);
  }
}

/** The helpers the rewritten calls need, reading their sites from `sites`. */
export function strictPathHelpers(sites: readonly PathSite[]): Record<string, (...args: unknown[]) => unknown> {
  return {
    [PATH_HELPER]: (base: unknown, index: unknown) => walkPath(base, sites[index as number]!),
    [ARGUMENT_HELPER]: (base: unknown, index: unknown) => walkArgument(base, sites[index as number]!),
    [LOOKUP_HELPER]: (object: unknown, key: unknown, index: unknown) => {
      const site = sites[index as number]!;
      return lookUp(object, String(key), site.base, site);
    },
  };
}

function walkPath(base: unknown, site: PathSite): unknown {
  const parts = site.parts;
  let value = base;
  for (let i = 0; i < parts.length; i++) {
    value = lookUp(value, parts[i]!, i === 0 ? site.base : holderName(site, i), site);
  }
  return value;
}

/** As Handlebars reads an argument: every part before the last must be there, the last may be missing. */
function walkArgument(base: unknown, site: PathSite): unknown {
  const parts = site.parts;
  const last = parts.length - 1;
  let value = base;
  for (let i = 0; i < last; i++) value = lookUp(value, parts[i]!, i === 0 ? site.base : holderName(site, i), site);
  if (value === null || value === undefined) throw new StrictPathError(site, parts[last]!, holderName(site, last), value);
  return Object.hasOwn(value, parts[last]!) ? (value as Record<string, unknown>)[parts[last]!] : undefined;
}

function holderName(site: PathSite, index: number): string {
  const walked = site.parts.slice(0, index).join('.');
  return site.baseIsName ? `${site.base}.${walked}` : walked;
}

/** An own property of the value (a string's `length` and characters included), as Handlebars reads it. */
function lookUp(holder: unknown, key: string, name: string, site: PathSite): unknown {
  if (holder === null || holder === undefined || !Object.hasOwn(holder, key)) throw new StrictPathError(site, key, name, holder);
  const value = (holder as Record<string, unknown>)[key];
  // Handlebars' guard: a prototype's own `constructor` would reach the Function constructor.
  if (key === 'constructor' && typeof value === 'function') throw new StrictPathError(site, key, name, holder);
  return value;
}

/** The path as written up to the missing part: what `{{#if …}}` tests to leave it out. */
export function pathToMissing(error: StrictPathError): string {
  const { site, holderName: name, missing } = error;
  if (site.lookupKey !== undefined) return `(${site.original})`;
  if (site.baseIsName) return `${name}.${missing}`;
  const walked = site.parts.join('.');
  const prefix = site.original.endsWith(walked) ? site.original.slice(0, site.original.length - walked.length) : '';
  const upTo = site.parts.slice(0, site.parts.indexOf(missing) + 1).join('.');
  return `${prefix}${upTo}`;
}

/** Whether the missing part was looked up in a value that cannot have properties (a string, a number, null). */
export function inNonObject(error: StrictPathError): boolean {
  return error.holder === null || (typeof error.holder !== 'object' && typeof error.holder !== 'function');
}

/** What the missing part's holder is and has, for the error: `customer has no "nmae" (did you mean "name"?) (available: name, plan)`. */
export function describeMissing(error: StrictPathError): string {
  const { holder, holderName: name, missing } = error;
  if (holder === null || holder === undefined) return `${name} is ${String(holder)}, so it has no "${missing}"`;
  if (typeof holder !== 'object' && typeof holder !== 'function') {
    const keys = typeof holder === 'string' ? ['length'] : [];
    return `${name} is a ${typeof holder} (${shortValue(holder)}), which has no "${missing}"${meantText(likelyMeant(missing, keys))}${keys.length ? ' (it has: length)' : ''}`;
  }
  if (Array.isArray(holder)) {
    const available = holder.length === 0 ? 'length; the list is empty' : holder.length === 1 ? '0, length' : `0 to ${holder.length - 1}, length`;
    return `${name} is a list of ${holder.length}, which has no "${missing}" (available: ${available})`;
  }
  const keys = Object.keys(holder);
  const shown = keys.length > 20 ? `${keys.slice(0, 20).join(', ')} … ${keys.length - 20} more` : keys.length ? keys.join(', ') : 'none';
  return `${name} has no "${missing}"${meantText(likelyMeant(missing, keys))} (available: ${shown})`;
}

function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 30 ? `${text.slice(0, 29)}…` : text;
}
