/**
 * Conversation templates and content blocks. A body written as `{{#user}}…{{/user}}` and
 * `{{#assistant}}…{{/assistant}}` blocks renders into turns, in order — inside `{{#each}}` for
 * few-shot examples from the dataset, and with a last `{{#assistant}}` turn as a prefill.
 * `{{document …}}` and `{{image …}}` put a document or image block where they stand. A turn may be
 * marked for prompt caching with `cache="5m"` (or `"1h"`), as may a document or image.
 *
 * These helpers exist only in templates that use them (a block `{{#user}}`, or `{{document x}}` with
 * an argument), so a one-message template whose case has a `user` or `document` variable renders
 * exactly as before. Turns are collected on the side while Handlebars renders, and documents are
 * placed with markers that carry a random per-template nonce, so no text from a case can forge a
 * turn or a block.
 */
import { randomUUID } from 'node:crypto';
import type Handlebars from 'handlebars';
import type { DocumentBlock, ImageBlock } from '../providers/types.js';
import { documentBlock, imageBlock, type AttachmentReader, type AttachmentSpec } from './attachments.js';
import { HelperError, locatingErrors } from './helpers.js';
import type { CacheTtl } from './types.js';

export const TURN_BLOCKS: ReadonlySet<string> = new Set(['user', 'assistant']);
const ATTACHMENT_HELPERS = ['document', 'image'] as const;
const STATE_KEY = 'promptgold';

export interface HelpersUsed {
  turns: boolean;
  document: boolean;
  image: boolean;
}

export interface RenderedTurn {
  role: 'user' | 'assistant';
  text: string;
  cache?: CacheTtl;
}

/** What one render collects besides its text. */
export interface RenderState {
  nonce: string;
  turns: RenderedTurn[];
  attachments: Array<DocumentBlock | ImageBlock>;
  inTurn: boolean;
  caseId: string;
  file: string;
  reader: AttachmentReader | undefined;
}

interface HelperOptions {
  fn?: (context: unknown, options?: unknown) => string;
  hash?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

type Located = { loc?: hbs.AST.SourceLocation };

/** Which request helpers a template uses: turn blocks, and document/image calls with arguments. */
export function helpersUsed(programs: readonly hbs.AST.Program[], partials: ReadonlyMap<string, hbs.AST.Program>): HelpersUsed {
  const used: HelpersUsed = { turns: false, document: false, image: false };
  const visited = new Set<string>();
  const call = (node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }) => {
    const name = node.path.type === 'PathExpression' ? (node.path as hbs.AST.PathExpression).original : undefined;
    const hasArguments = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;
    if (hasArguments && (name === 'document' || name === 'image')) used[name] = true;
    for (const param of node.params) expression(param);
    for (const pair of node.hash?.pairs ?? []) expression(pair.value);
  };
  const expression = (node: hbs.AST.Expression) => {
    if (node.type === 'SubExpression') call(node as hbs.AST.SubExpression);
  };
  const program = (node: hbs.AST.Program | undefined) => node?.body.forEach(statement);
  const statement = (node: hbs.AST.Statement) => {
    if (node.type === 'MustacheStatement') call(node as hbs.AST.MustacheStatement);
    else if (node.type === 'BlockStatement') {
      const block = node as hbs.AST.BlockStatement;
      if (block.path.type === 'PathExpression' && TURN_BLOCKS.has(block.path.original)) used.turns = true;
      call(block);
      program(block.program);
      program(block.inverse);
    } else if (node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') {
      const partial = node as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
      program(partial.program);
      if (partial.name.type !== 'PathExpression') return;
      const name = (partial.name as hbs.AST.PathExpression).original;
      if (visited.has(name)) return;
      visited.add(name);
      program(partials.get(name));
    }
  };
  programs.forEach(program);
  return used;
}

/**
 * The line (within the body's text) of the `{{#assistant}}` turn the body ends with, whitespace and
 * comments aside: a prefill. Undefined when the body's last statement is something else.
 */
export function prefillTurnLine(body: hbs.AST.Program): number | undefined {
  for (let i = body.body.length - 1; i >= 0; i--) {
    const statement = body.body[i]!;
    if (statement.type === 'CommentStatement') continue;
    if (statement.type === 'ContentStatement' && (statement as hbs.AST.ContentStatement).value.trim() === '') continue;
    const isAssistantTurn = statement.type === 'BlockStatement' && (statement as hbs.AST.BlockStatement).path.original === 'assistant';
    return isAssistantTurn ? ((statement as Located).loc?.start.line ?? 1) : undefined;
  }
  return undefined;
}

/** Literal text at the top level of a conversation body, outside every turn (a mistake): its line. */
export function textOutsideTurns(body: hbs.AST.Program): { text: string; line: number } | undefined {
  for (const statement of body.body) {
    if (statement.type !== 'ContentStatement') continue;
    const text = (statement as hbs.AST.ContentStatement).value.trim();
    if (text !== '') return { text, line: (statement as Located).loc?.start.line ?? 1 };
  }
  return undefined;
}

export function newRenderState(caseId: string, file: string, reader: AttachmentReader | undefined, nonce: string): RenderState {
  return { nonce, turns: [], attachments: [], inTurn: false, caseId, file, reader };
}

export function newNonce(): string {
  return randomUUID().replace(/-/g, '');
}

function stateOf(options: HelperOptions, helper: string): RenderState {
  const state = options.data?.[STATE_KEY] as RenderState | undefined;
  if (!state) throw new HelperError(helper, 'internal: rendered without its render state');
  return state;
}

export function renderData(state: RenderState): { data: Record<string, unknown> } {
  return { data: { [STATE_KEY]: state } };
}

function cacheOf(value: unknown, helper: string): CacheTtl | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === '5m') return '5m';
  if (value === '1h') return '1h';
  throw new HelperError(helper, `cache must be "5m" or "1h", got ${JSON.stringify(value)}`);
}

function turnHelper(role: 'user' | 'assistant') {
  return function (this: unknown, ...args: unknown[]): string {
    const options = (args[args.length - 1] ?? {}) as HelperOptions;
    if (typeof options.fn !== 'function') throw new HelperError(role, `{{${role}}} is a turn: write {{#${role}}}…{{/${role}}}`);
    if (args.length > 1) throw new HelperError(role, `{{#${role}}} takes no arguments (only cache="5m" or cache="1h")`);
    const unknown = Object.keys(options.hash ?? {}).filter((key) => key !== 'cache');
    if (unknown.length > 0) throw new HelperError(role, `unknown option ${unknown.join(', ')} (only cache="5m" or cache="1h")`);
    const state = stateOf(options, role);
    if (state.inTurn) throw new HelperError(role, `a {{#${role}}} turn cannot be inside another turn`);
    state.inTurn = true;
    let text: string;
    try {
      text = options.fn(this);
    } finally {
      state.inTurn = false;
    }
    const turn: RenderedTurn = { role, text };
    const cache = cacheOf(options.hash?.cache, role);
    if (cache) turn.cache = cache;
    state.turns.push(turn);
    return '';
  };
}

const SPEC_KEYS: Record<string, keyof AttachmentSpec | 'cache'> = {
  file: 'file',
  text: 'text',
  data: 'data',
  media_type: 'mediaType',
  title: 'title',
  context: 'context',
  citations: 'citations',
  cache: 'cache',
};

/** `{{document x}}`: x a path (string) or an object with file/text/data…; hash options override it. */
function specOf(helper: string, value: unknown, hash: Record<string, unknown>): { spec: AttachmentSpec; cache?: CacheTtl } {
  const fields: Record<string, unknown> = {};
  if (typeof value === 'string') fields.file = value;
  else if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(fields, value);
  else if (value !== undefined) throw new HelperError(helper, `expected a file path or an object { file | text | data, … }, got ${value === null ? 'null' : typeof value}`);
  Object.assign(fields, hash);
  const spec: AttachmentSpec = {};
  let cache: CacheTtl | undefined;
  for (const [key, raw] of Object.entries(fields)) {
    const target = SPEC_KEYS[key];
    if (!target) throw new HelperError(helper, `unknown option "${key}" (use ${Object.keys(SPEC_KEYS).join(', ')})`);
    if (raw === undefined || raw === null) continue;
    if (target === 'cache') cache = cacheOf(raw, helper);
    else if (target === 'citations') spec.citations = raw === true || raw === 'true';
    else if (typeof raw !== 'string') throw new HelperError(helper, `${key} must be text, got ${typeof raw}`);
    else spec[target] = raw;
  }
  return cache ? { spec, cache } : { spec };
}

function attachmentHelper(kind: 'document' | 'image') {
  return function (...args: unknown[]): string {
    const options = (args[args.length - 1] ?? {}) as HelperOptions;
    const positional = args.slice(0, -1);
    if (positional.length > 1) throw new HelperError(kind, `usage: {{${kind} field}} or {{${kind} file="…"}}`);
    const state = stateOf(options, kind);
    const { spec, cache } = specOf(kind, positional[0], options.hash ?? {});
    const where = { caseId: state.caseId, file: state.file };
    const block = kind === 'document' ? documentBlock(spec, state.reader, where) : imageBlock(spec, state.reader, where);
    if (cache) block.cacheControl = { type: 'ephemeral', ttl: cache };
    state.attachments.push(block);
    return `\u0000pg:${state.nonce}:${state.attachments.length - 1}\u0000`;
  };
}

export function registerRequestHelpers(instance: typeof Handlebars, used: HelpersUsed): void {
  if (used.turns) for (const role of TURN_BLOCKS) instance.registerHelper(role, locatingErrors(role, turnHelper(role as 'user' | 'assistant')));
  for (const kind of ATTACHMENT_HELPERS) if (used[kind]) instance.registerHelper(kind, locatingErrors(kind, attachmentHelper(kind)));
}

export type Piece = { text: string } | { attachment: number };

/** Rendered text split at attachment markers: text pieces and the attachments between them. */
export function splitAtAttachments(text: string, nonce: string): Piece[] {
  const marker = new RegExp(`\\u0000pg:${nonce}:(\\d+)\\u0000`, 'g');
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(marker)) {
    pieces.push({ text: text.slice(last, match.index) });
    pieces.push({ attachment: Number(match[1]) });
    last = match.index + match[0].length;
  }
  pieces.push({ text: text.slice(last) });
  return pieces;
}

export function hasAttachmentMarker(text: string, nonce: string): boolean {
  return text.includes(`\u0000pg:${nonce}:`);
}

/** The text with its attachment markers taken out (the text pieces of splitAtAttachments, joined). */
export function withoutAttachmentMarkers(text: string, nonce: string): string {
  if (!hasAttachmentMarker(text, nonce)) return text;
  return splitAtAttachments(text, nonce)
    .map((piece) => ('text' in piece ? piece.text : ''))
    .join('');
}
