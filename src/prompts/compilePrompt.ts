import { sha256Hex } from '../canonical.js';
import Handlebars from 'handlebars';
import { InputError } from '../errors.js';
import { displayPath } from '../displayPath.js';
import type { ChatMessage, ContentBlock, DocumentBlock, ImageBlock, TextBlock } from '../providers/types.js';
import { AttachmentReader, checkRequestSize, type AttachmentFiles } from './attachments.js';
import { HelperError, registerPromptHelpers } from './helpers.js';
import { StrictPathError, describeMissing, inNonObject, pathToMissing, rewriteStrictPaths, strictPathHelpers, type PathSite } from './strictPaths.js';
import { addHelperCallSites, collectReferences, helperCallKey, type HelperCallSite, type Reference, type TemplateReferences } from './templateReferences.js';
import { cacheControlOf, cacheMarksProblem, templateCacheMarks } from './tools.js';
import {
  TURN_BLOCKS,
  hasAttachmentMarker,
  helpersUsed,
  newNonce,
  newRenderState,
  prefillTurnLine,
  registerRequestHelpers,
  renderData,
  splitAtAttachments,
  textOutsideTurns,
  withoutAttachmentMarkers,
  type RenderState,
  type RenderedTurn,
} from './turns.js';
import type { CacheTtl, CompiledPrompt, PromptShape, PromptTemplate, RenderedPrompt, RenderedVariables, VariableType } from './types.js';
import { matchesVariableType, variableTypeOf } from './variableTypes.js';

/*
 * Strictness rule, applied the same way to `{{x}}`, `{{#if x}}`, `{{#each x}}` and helper
 * arguments such as `{{json x}}`: every variable the template reads from the case must be present
 * in the case's vars, even inside a branch that would not render. Handlebars' own strict mode
 * does not check block and helper arguments, so a typo like `{{#if urgnet}}` would silently be
 * false; we check those names ourselves before rendering. A variable declared optional in the
 * front matter (`variables: { note: string? }`) may be left out: it then renders as empty and is
 * false in `{{#if}}`. A printed path below a root variable (`{{customer.name}}`, `{{item.message}}`
 * through a block parameter, `{{mesage}}` inside `{{#each}}`) and `{{lookup obj key}}` must exist
 * too; see strictPaths.ts. A path used as an argument (`{{#if item.note}}`) may be missing its last
 * part, and only that, as Handlebars' strict mode allows for root variables: that is how optional
 * content is written.
 */

type Part = 'body' | 'system';

interface CompiledPart {
  part: Part;
  /** For list-form system blocks: the block's position. */
  block?: number;
  firstLine: number;
  references: TemplateReferences;
  /** The helper calls of the part and of every partial, by helperCallKey. */
  helperCalls: ReadonlyMap<string, HelperCallSite[]>;
  render: (context: Record<string, unknown>, state?: RenderState) => string;
  /**
   * The same template with every printed path checked by our helpers (strictPaths.ts): slower, so
   * used only to redo a render Handlebars' strict lookup failed, for an error that says what the
   * value has (or, for `{{word.length}}`, which Handlebars cannot look up on a string, the render).
   * Unset when it would be the same template.
   */
  diagnose?: (context: Record<string, unknown>, state?: RenderState) => string;
}

/** A render Handlebars' strict lookup failed: redone with the parts' `diagnose` templates. */
class RenderAgain extends Error {}

export interface CompilePromptOptions {
  /** Partials by name (default: the template's own). */
  partials?: Record<string, string>;
  /**
   * Where `{{document}}` and `{{image}}` find files: the dataset's folder, inside the project root
   * (or a reader shared by the suite's templates, so a file is read once).
   */
  files?: AttachmentFiles | AttachmentReader;
  /** The suite's `stream` option: the template's own `stream:` wins. */
  stream?: boolean;
}

/** Names of Handlebars internals that are not meant to be called from a template. */
const INTERNAL_HELPERS = new Set(['helperMissing', 'blockHelperMissing']);

/** Compiles a template once (syntax, partials and helpers are checked now) for rendering per case. */
export function compilePrompt(template: PromptTemplate, options: CompilePromptOptions = {}): CompiledPrompt {
  const file = displayPath(template.file);
  const instance = Handlebars.create();
  registerPromptHelpers(instance);
  const partials = options.partials ?? template.partials ?? {};
  const parsedPartials = new Map<string, hbs.AST.Program>();
  for (const [name, source] of Object.entries(partials)) {
    parsedPartials.set(name, parseTemplate(instance, source, { file, firstLine: 1, what: `partial "${name}"` }));
    instance.registerPartial(name, source);
  }

  const sources: Array<{ part: Part; block?: number; source: string; firstLine: number }> = [{ part: 'body', source: template.body, firstLine: template.bodyLine ?? 1 }];
  if (template.system !== undefined) sources.push({ part: 'system', source: template.system, firstLine: template.systemLine ?? 1 });
  template.systemBlocks?.forEach((block, index) => sources.push({ part: 'system', block: index, source: block.text, firstLine: block.line ?? 1 }));
  const asts = sources.map(({ part, source, firstLine }) => parseTemplate(instance, source, { file, firstLine, what: part === 'body' ? 'template' : 'system text' }));
  const used = helpersUsed(asts, parsedPartials);
  registerRequestHelpers(instance, used);
  const isHelper = (name: string): boolean => Object.hasOwn(instance.helpers, name);
  const contextPreservingBlocks = used.turns ? TURN_BLOCKS : undefined;
  const compileOptions = { strict: true, noEscape: true };
  const sites: PathSite[] = [];
  const rewriteOptions = { isHelper, contextPreservingBlocks: new Set(['if', 'unless', ...(contextPreservingBlocks ?? [])]) };
  /** Whether the templates every case renders call our path helpers (not only the `diagnose` ones). */
  let checksEveryRender = false;
  /** Partials with their context paths checked too, passed to the `diagnose` templates. */
  const diagnosticPartials: Record<string, HandlebarsTemplateDelegate> = {};
  for (const [name, parsed] of parsedPartials) {
    const checked = rewriteStrictPaths(parsed, sites, { ...rewriteOptions, partial: name, diagnostic: false });
    if (checked !== parsed) {
      instance.registerPartial(name, instance.compile(checked, compileOptions));
      checksEveryRender = true;
    }
    const full = rewriteStrictPaths(parsed, sites, { ...rewriteOptions, partial: name, diagnostic: true });
    if (full !== checked) diagnosticPartials[name] = instance.compile(full, compileOptions);
  }
  const hasDiagnosticPartials = Object.keys(diagnosticPartials).length > 0;
  const partialHelperCalls = new Map<string, HelperCallSite[]>();
  for (const [name, parsed] of parsedPartials) addHelperCallSites(parsed, partialHelperCalls, name);
  // The helpers are passed to `diagnose` renders, and registered below only if every render needs them.
  const pathHelpers = strictPathHelpers(sites);
  const diagnosticOptions = { helpers: pathHelpers, ...(hasDiagnosticPartials && { partials: diagnosticPartials }) };
  const stateful = used.turns || used.document || used.image;

  const compilePart = (index: number): CompiledPart => {
    const { part, block, firstLine } = sources[index]!;
    const ast = asts[index]!;
    const references = collectReferences(ast, { isHelper, partials: parsedPartials, ...(contextPreservingBlocks && { contextPreservingBlocks }) });
    const toFileLine = (reference: Reference): number => firstLine - 1 + reference.line;
    for (const partial of references.partials) {
      if (parsedPartials.has(partial.name)) continue;
      throw new InputError(
        `unknown partial "${partial.name}" (available: ${listOrNone(Object.keys(partials))})`,
        { file, line: toFileLine(partial) },
        'partials are the *.hbs files in the partials/ folder next to the prompts; the name is the file name without .hbs',
      );
    }
    for (const helper of references.helpers) {
      if (isHelper(helper.name)) continue;
      const available = Object.keys(instance.helpers).filter((name) => !INTERNAL_HELPERS.has(name)).sort();
      throw new InputError(`unknown helper "${helper.name}" (available: ${available.join(', ')})`, {
        file,
        line: toFileLine(helper),
      });
    }
    const before = sites.length;
    const checked = rewriteStrictPaths(ast, sites, { ...rewriteOptions, diagnostic: false });
    const full = rewriteStrictPaths(ast, sites, { ...rewriteOptions, diagnostic: true });
    for (const site of sites.slice(before)) site.line = firstLine - 1 + site.line;
    if (checked !== ast) checksEveryRender = true;
    const render = instance.compile(checked, compileOptions);
    const helperCalls = new Map(partialHelperCalls);
    addHelperCallSites(ast, helperCalls);
    const compiled: CompiledPart = {
      part,
      firstLine,
      references,
      helperCalls,
      render: stateful ? (context, state) => render(context, state ? renderData(state) : undefined) : (context) => render(context),
    };
    if (full !== checked || hasDiagnosticPartials) {
      const diagnose = instance.compile(full, compileOptions);
      compiled.diagnose = (context, state) => diagnose(context, { ...diagnosticOptions, ...(state && renderData(state)) });
    }
    if (ast.body.every((statement) => statement.type === 'ContentStatement' || statement.type === 'CommentStatement')) {
      // Plain text (a fixed system prompt): it renders the same for every case, so once.
      const text = render({});
      compiled.render = () => text;
    }
    if (block !== undefined) compiled.block = block;
    return compiled;
  };

  const parts = sources.map((_, index) => compilePart(index));
  dropUnnamedHelpers(instance, [...sources.map(({ source }) => source), ...Object.values(partials)]);
  // Registered only when used: Handlebars wraps every registered helper again on each render.
  if (checksEveryRender) for (const [name, helper] of Object.entries(pathHelpers)) instance.registerHelper(name, helper);
  const body = parts[0]!;
  if (used.turns) {
    const stray = textOutsideTurns(asts[0]!);
    if (stray) {
      throw new InputError(
        `text outside a turn: "${stray.text.length > 40 ? `${stray.text.slice(0, 40)}…` : stray.text}"`,
        { file, line: body.firstLine - 1 + stray.line },
        'in a conversation template every text belongs to a {{#user}}…{{/user}} or {{#assistant}}…{{/assistant}} turn',
      );
    }
  }
  const prefillLine = used.turns ? prefillTurnLine(asts[0]!) : undefined;
  const shape: PromptShape = { conversation: used.turns, prefill: prefillLine !== undefined };
  if (prefillLine !== undefined) shape.prefillLine = body.firstLine - 1 + prefillLine;
  const reader = options.files instanceof AttachmentReader ? options.files : options.files ? new AttachmentReader(options.files) : undefined;
  const nonce = newNonce();
  const stream = template.stream ?? options.stream;
  const frontMatterMarks = templateCacheMarks(template);
  const declared = declaredVariablesOf(template);

  return {
    template: withPartialsInHash(template, parts, partials),
    shape,
    variables: renderedVariables(parts),
    render(vars: Record<string, unknown>, caseId: string): RenderedPrompt {
      const context = renderContext(template, vars);
      for (const part of parts) checkPresent(part, context, vars, caseId, file);
      checkDeclared(declared, vars, caseId, file);
      let diagnostic = false;
      let rendered: RenderedPrompt;
      try {
        rendered = renderCase(context, caseId, diagnostic);
      } catch (error) {
        if (!(error instanceof RenderAgain)) throw error;
        diagnostic = true;
        rendered = renderCase(context, caseId, diagnostic);
      }
      if (sendsObjectText(rendered)) refusePrintedObject(context, caseId, diagnostic);
      return rendered;
    },
  };

  /**
   * The render again with every object of the case's vars made to throw when it is turned into
   * text: the rendered "[object Object]" came from one (refused, naming it), or from the data
   * itself (the render stands). Only a render whose text holds "[object Object]" pays for this.
   */
  function refusePrintedObject(context: Record<string, unknown>, caseId: string, diagnostic: boolean): void {
    try {
      renderCase(objectsThatRefusePrinting(context, []) as Record<string, unknown>, caseId, diagnostic);
    } catch (error) {
      if (error instanceof PrintedObject) throw printedObjectError(error.path, parts, caseId, file);
    }
  }

  function renderCase(context: Record<string, unknown>, caseId: string, diagnostic: boolean): RenderedPrompt {
    const state = stateful ? newRenderState(caseId, file, reader, nonce) : undefined;
    const bodyText = renderPart(body, context, caseId, file, state, diagnostic);
    const rendered: RenderedPrompt = { messages: [] };
    const system = renderSystem(template, parts.slice(1), context, caseId, file, state, diagnostic);
    if (system !== undefined) rendered.system = system;
    if (!state) {
      // Today's one-message template: the body is the user message, exactly as rendered.
      rendered.messages = [{ role: 'user', content: bodyText }];
      rendered.user = bodyText;
    } else {
      rendered.messages = used.turns ? turnMessages(bodyText, state, body) : [{ role: 'user', content: contentOf(bodyText, state, { trim: false }) }];
      checkRenderedRequest(rendered, state, frontMatterMarks, body, template.output !== undefined);
      const only = rendered.messages[0]!;
      if (!used.turns && rendered.messages.length === 1 && typeof only.content === 'string') rendered.user = only.content;
    }
    if (template.systemBlocks) delete rendered.user;
    if (template.tools) {
      rendered.tools = template.tools;
      delete rendered.user;
    }
    if (template.toolChoice) rendered.toolChoice = template.toolChoice;
    if (stream !== undefined) rendered.stream = stream;
    return rendered;
  }
}

/** What JavaScript turns an object into when it is printed as text. */
const OBJECT_TEXT = '[object Object]';

/** Whether any text the rendered request sends holds OBJECT_TEXT (documents and images are the case's files, not printed values). */
function sendsObjectText(rendered: RenderedPrompt): boolean {
  if (typeof rendered.system === 'string' ? rendered.system.includes(OBJECT_TEXT) : rendered.system?.some((block) => block.text.includes(OBJECT_TEXT))) return true;
  for (const message of rendered.messages) {
    if (typeof message.content === 'string' ? message.content.includes(OBJECT_TEXT) : message.content.some((block) => block.type === 'text' && block.text.includes(OBJECT_TEXT))) return true;
  }
  return false;
}

/** Thrown when an object of the case's vars is turned into text during the check of refusePrintedObject. */
class PrintedObject extends Error {
  constructor(readonly path: string[]) {
    super(`${path.join('.') || 'the case\'s vars'} printed as ${OBJECT_TEXT}`);
  }
}

const PATH_OF = Symbol('path in the case\'s vars');

/** The prototype of the probing copies: Object.prototype's, except that turning one into text throws PrintedObject. */
const REFUSES_PRINTING: object = Object.create(Object.prototype, {
  [Symbol.toPrimitive]: {
    value(this: { [PATH_OF]: string[] }): never {
      throw new PrintedObject(this[PATH_OF]);
    },
  },
});

/**
 * A copy of `value` in which every plain object has REFUSES_PRINTING for prototype and knows its
 * path; arrays stay arrays (printed, they join their items, which then refuse on their own).
 */
function objectsThatRefusePrinting(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => objectsThatRefusePrinting(item, [...path, String(index)]));
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy = Object.create(REFUSES_PRINTING) as Record<string | symbol, unknown>;
  Object.defineProperty(copy, PATH_OF, { value: path });
  for (const [key, member] of Object.entries(value)) copy[key] = objectsThatRefusePrinting(member, [...path, key]);
  return copy;
}

function printedObjectError(path: string[], parts: readonly CompiledPart[], caseId: string, file: string): InputError {
  const name = path.join('.');
  const root = path[0];
  let line: number | undefined;
  for (const part of parts) {
    const reference = part.references.variables.find((variable) => variable.name === root);
    if (reference) {
      line = part.firstLine - 1 + reference.line;
      break;
    }
  }
  if (root === undefined) {
    return new InputError(`the case's vars ({{this}}) would be sent as the text "${OBJECT_TEXT}" for case ${caseId}`, { file }, 'print the vars as JSON with {{json this}}, or print one of them');
  }
  const json = path.length === 1 ? `{{json ${name}}}` : '{{json …}}';
  return new InputError(
    `variable "${name}" is an object and would be sent as the text "${OBJECT_TEXT}" for case ${caseId}`,
    { file, line },
    `print it as JSON with ${json}, or print its fields one by one`,
  );
}

/** The variables of every part (body, system text or blocks), each named once in order of first use. */
function renderedVariables(parts: readonly CompiledPart[]): RenderedVariables {
  const names = new Set<string>();
  for (const part of parts) for (const reference of part.references.variables) names.add(reference.name);
  return { names: [...names], everything: parts.some((part) => part.references.wholeContext) };
}

/** Helpers that Handlebars calls without their name in a template: its two hooks, `each` (a block over an array) and `if` (from `unless`). */
const IMPLICIT_HELPERS = new Set(['helperMissing', 'blockHelperMissing', 'each', 'if']);

/**
 * Unregisters the helpers that no source (template, system text, partial) names: Handlebars wraps
 * every registered helper again on each render (~12 closures per render, twice per case), and a
 * helper can only be called by a name written in a source, or by Handlebars itself (IMPLICIT_HELPERS).
 * A name found anywhere in the text, even inside a word, keeps its helper.
 */
function dropUnnamedHelpers(instance: typeof Handlebars, sources: string[]): void {
  for (const name of Object.keys(instance.helpers)) {
    if (IMPLICIT_HELPERS.has(name) || sources.some((source) => source.includes(name))) continue;
    instance.unregisterHelper(name);
  }
}

function renderSystem(
  template: PromptTemplate,
  parts: CompiledPart[],
  context: Record<string, unknown>,
  caseId: string,
  file: string,
  state: RenderState | undefined,
  diagnostic: boolean,
): string | TextBlock[] | undefined {
  if (template.system !== undefined) {
    const text = renderPart(parts[0]!, context, caseId, file, state, diagnostic);
    if (state && hasAttachmentMarker(text, state.nonce)) throw attachmentInSystem(caseId, file, parts[0]!);
    return text;
  }
  if (!template.systemBlocks) return undefined;
  const blocks: TextBlock[] = [];
  for (const part of parts) {
    const source = template.systemBlocks[part.block!]!;
    const text = renderPart(part, context, caseId, file, state, diagnostic);
    if (state && hasAttachmentMarker(text, state.nonce)) throw attachmentInSystem(caseId, file, part);
    if (text.trim() === '') {
      if (source.cache) {
        throw new InputError(`system block ${part.block! + 1} rendered empty for case ${caseId}, but it carries the cache mark`, { file, line: part.firstLine }, 'move the cache mark to a block that always has text');
      }
      continue; // a block left empty by {{#if}}: the API refuses empty text blocks
    }
    const block: TextBlock = { type: 'text', text };
    if (source.cache) block.cacheControl = cacheControlOf(source.cache);
    blocks.push(block);
  }
  return blocks;
}

function attachmentInSystem(caseId: string, file: string, part: CompiledPart): InputError {
  return new InputError(`a document or image in the system prompt (case ${caseId})`, { file, line: part.firstLine }, 'the system prompt takes text only: put documents and images in a {{#user}} turn');
}

/** The turns a conversation body rendered, as messages; text outside the turns is an error. */
function turnMessages(bodyText: string, state: RenderState, body: CompiledPart): ChatMessage[] {
  const outside = withoutAttachmentMarkers(bodyText, state.nonce).trim();
  if (outside !== '') {
    throw new InputError(
      `text outside a turn for case ${state.caseId}: "${outside.length > 40 ? `${outside.slice(0, 40)}…` : outside}"`,
      { file: state.file, line: body.firstLine },
      'in a conversation template every text belongs to a {{#user}}…{{/user}} or {{#assistant}}…{{/assistant}} turn',
    );
  }
  if (state.turns.length === 0) {
    throw new InputError(`the template rendered no turns for case ${state.caseId}`, { file: state.file, line: body.firstLine }, 'a conversation needs at least one {{#user}} turn');
  }
  return state.turns.map((turn, index) => turnMessage(turn, index, state));
}

function turnMessage(turn: RenderedTurn, index: number, state: RenderState): ChatMessage {
  const content = contentOf(turn.text, state, { trim: true });
  const where = { file: state.file };
  if (content === '' || (Array.isArray(content) && content.length === 0)) {
    throw new InputError(`turn ${index + 1} ({{#${turn.role}}}) rendered empty for case ${state.caseId}`, where, 'the API refuses empty turns: give it text, or leave it out with {{#if}}');
  }
  if (turn.role === 'assistant' && Array.isArray(content) && content.some((block) => block.type !== 'text')) {
    throw new InputError(`a document or image in an assistant turn (turn ${index + 1}, case ${state.caseId})`, where, 'documents and images go in {{#user}} turns');
  }
  if (!turn.cache) return { role: turn.role, content };
  const blocks: ContentBlock[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  const last = blocks[blocks.length - 1]!;
  blocks[blocks.length - 1] = { ...last, cacheControl: cacheControlOf(turn.cache) } as ContentBlock;
  return { role: turn.role, content: blocks };
}

/**
 * Rendered text as message content: the text itself when it holds no document or image, else text
 * blocks (trimmed) around the documents and images. A turn's text is trimmed, a one-message body's
 * is kept as rendered.
 */
function contentOf(text: string, state: RenderState, options: { trim: boolean }): string | ContentBlock[] {
  if (!hasAttachmentMarker(text, state.nonce)) return options.trim ? text.trim() : text;
  const blocks: ContentBlock[] = [];
  for (const piece of splitAtAttachments(text, state.nonce)) {
    if ('attachment' in piece) blocks.push(state.attachments[piece.attachment]!);
    else if (piece.text.trim() !== '') blocks.push({ type: 'text', text: piece.text.trim() });
  }
  return blocks;
}

/**
 * The rendered request's cache marks and size, against the API's limits, and documents asking for
 * citations in a version with structured output, which the API refuses: citations interleave
 * their own blocks with the answer, which structured output makes one JSON text.
 */
function checkRenderedRequest(rendered: RenderedPrompt, state: RenderState, frontMatterMarks: CacheTtl[], body: CompiledPart, structuredOutput: boolean): void {
  const marks = [...frontMatterMarks];
  let textChars = typeof rendered.system === 'string' ? rendered.system.length : (rendered.system ?? []).reduce((n, block) => n + block.text.length, 0);
  const attachments: Array<DocumentBlock | ImageBlock> = [];
  for (const message of rendered.messages) {
    if (typeof message.content === 'string') {
      textChars += message.content.length;
      continue;
    }
    for (const block of message.content) {
      if (block.cacheControl) marks.push(block.cacheControl.ttl ?? '5m');
      if (block.type === 'text') textChars += block.text.length;
      if (block.type === 'document' || block.type === 'image') attachments.push(block);
    }
  }
  if (structuredOutput && attachments.some((block) => block.type === 'document' && block.citations === true)) {
    throw new InputError(
      `a document asks for citations (case ${state.caseId}), which the API refuses with structured output`,
      { file: state.file, field: 'front matter.output' },
      'remove citations=true from the document (and from the case\'s document object), or remove output: from the front matter',
    );
  }
  const problem = cacheMarksProblem(marks);
  if (problem) throw new InputError(`${problem} (case ${state.caseId})`, { file: state.file, line: body.firstLine }, 'mark fewer turns or blocks: a mark caches everything before it too');
  checkRequestSize(attachments, textChars, { caseId: state.caseId, file: state.file });
}

/**
 * A partial is part of the prompt's content: editing one must change the version's hash, or the
 * edit would go unnoticed. The hash of a template that uses partials covers their sources too.
 */
function withPartialsInHash(template: PromptTemplate, parts: CompiledPart[], partials: Record<string, string>): PromptTemplate {
  const used = [...new Set(parts.flatMap((part) => part.references.partials.map((p) => p.name)))].sort();
  if (used.length === 0) return template;
  const sources = used.map((name) => `${name}\u0000${partials[name] ?? ''}`).join('\u0000');
  return { ...template, hash: sha256Hex(`${template.hash}\u0000${sources}`) };
}

function listOrNone(names: string[]): string {
  return names.length > 0 ? names.join(', ') : 'none';
}

function parseTemplate(
  instance: typeof Handlebars,
  source: string,
  where: { file: string; firstLine: number; what: string },
): hbs.AST.Program {
  try {
    return instance.parse(source);
  } catch (error) {
    const { line, detail } = describeSyntaxError(error);
    const isPartial = where.what.startsWith('partial');
    throw new InputError(
      `${where.what} syntax error${isPartial && line !== undefined ? ` on its line ${line}` : ''}: ${detail}`,
      { file: where.file, line: isPartial || line === undefined ? undefined : where.firstLine - 1 + line },
      undefined,
      error,
    );
  }
}

/** Handlebars reports `Parse error on line N:` + excerpt, or `… - N:C` for block mismatches. */
function describeSyntaxError(error: unknown): { line: number | undefined; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  const lineNumber = (error as { lineNumber?: unknown }).lineNumber;
  const fromText = /(?:Parse|Lexical) error on line (\d+)[:.]?/.exec(message);
  const line = typeof lineNumber === 'number' ? lineNumber : fromText ? Number(fromText[1]) : undefined;
  const lines = message
    .replace(/(?:Parse|Lexical) error on line \d+[:.]?\s*/, '')
    .replace(/ - \d+:\d+$/, '')
    .split('\n')
    .filter((text) => text.trim() !== '');
  // Put the "Expecting …" explanation first, the excerpt with its caret after it.
  const isExplanation = (text: string): boolean => /^(Expecting|Unrecognized)/.test(text);
  const explanation = lines.some(isExplanation) ? lines.filter(isExplanation) : lines.slice(0, 1);
  const excerpt = lines.filter((text) => !explanation.includes(text));
  return { line, detail: [...explanation, ...excerpt.map((text) => `    ${text}`)].join('\n') };
}

/** The case's vars, plus declared-optional variables the case leaves out, set to undefined. */
function renderContext(template: PromptTemplate, vars: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...vars };
  for (const name of template.optionalVariables ?? []) {
    if (!Object.hasOwn(context, name)) context[name] = undefined;
  }
  return context;
}

function missingVariable(name: string, vars: Record<string, unknown>, caseId: string, file: string, line?: number): InputError {
  return new InputError(
    `variable "${name}" is missing for case ${caseId} (available: ${listOrNone(Object.keys(vars))})`,
    { file, line },
    `add "${name}" to the case's vars, or declare it optional in the front matter: variables: { ${name}: string? }`,
  );
}

function checkPresent(part: CompiledPart, context: Record<string, unknown>, vars: Record<string, unknown>, caseId: string, file: string): void {
  for (const reference of part.references.variables) {
    if (!Object.hasOwn(context, reference.name)) {
      throw missingVariable(reference.name, vars, caseId, file, part.firstLine - 1 + reference.line);
    }
  }
}

/** A template's declared variables, listed once when it is compiled rather than on every render. */
interface DeclaredVariables {
  types: Array<[name: string, type: VariableType]>;
  optional: ReadonlySet<string>;
  /** The file line of each declaration, where known. */
  lines: Readonly<Record<string, number>>;
}

function declaredVariablesOf(template: PromptTemplate): DeclaredVariables {
  return { types: Object.entries(template.variables ?? {}), optional: new Set(template.optionalVariables ?? []), lines: template.variableLines ?? {} };
}

/** Required declared variables must be present; every declared variable that is present must have its type. */
function checkDeclared(declared: DeclaredVariables, vars: Record<string, unknown>, caseId: string, file: string): void {
  const optional = declared.optional;
  for (const [name, type] of declared.types) {
    const present = Object.hasOwn(vars, name) && vars[name] !== undefined;
    if (!present || (optional.has(name) && vars[name] === null)) {
      if (optional.has(name)) continue;
      throw missingVariable(name, vars, caseId, file, declared.lines[name]);
    }
    if (!matchesVariableType(vars[name], type)) {
      throw new InputError(
        `variable "${name}" must be ${article(type)} (declared type), got ${variableTypeOf(vars[name])} in case ${caseId}`,
        { file, line: declared.lines[name], field: `variables.${name}` },
        `fix the value in the dataset, or change the declared type in the front matter`,
      );
    }
  }
}

function article(type: string): string {
  return type === 'any' ? 'any value' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function renderPart(part: CompiledPart, context: Record<string, unknown>, caseId: string, file: string, state: RenderState | undefined, diagnostic: boolean): string {
  try {
    return diagnostic && part.diagnose ? part.diagnose(context, state) : part.render(context, state);
  } catch (error) {
    // A document or image the helper refused, already located; an object printed while refusePrintedObject checks.
    if (error instanceof InputError || error instanceof PrintedObject) throw error;
    if (!diagnostic && part.diagnose && isLookupFailure(error)) throw new RenderAgain();
    throw describeRenderError(error, part, caseId, file);
  }
}

/** Handlebars' strict lookup refused a path (`"x" not defined in …`), or could not look into a string or number (a TypeError). */
function isLookupFailure(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof Error && / not defined in /.test(error.message));
}

/** A printed path (or `{{lookup}}`) that the case's data does not have. */
function missingPath(error: StrictPathError, caseId: string, file: string): InputError {
  const { site, missing } = error;
  const inPartial = site.partial === undefined ? '' : ` (in partial "${site.partial}", its line ${site.line})`;
  const what = site.lookupKey === undefined ? `variable "${site.original}"` : `{{${site.original}}} (key "${missing}")`;
  const hint = inNonObject(error)
    ? `fix the path in the template, or give ${error.holderName} an object value in the case's vars`
    : `fix the name in the template, or add "${missing}" to the case's vars; content a case may leave out is written {{#if ${pathToMissing(error)}}}…{{/if}}`;
  return new InputError(
    `${what} is missing for case ${caseId}${inPartial}: ${describeMissing(error)}`,
    { file, line: site.partial === undefined ? site.line : undefined },
    hint,
    error,
  );
}

/** A helper's refusal, at the line of its call when that call is known for sure (one call at that place). */
function helperFailed(error: HelperError, part: CompiledPart, caseId: string, file: string): InputError {
  const sites = error.call ? part.helperCalls.get(helperCallKey(error.call.name, error.call.line, error.call.column)) : undefined;
  const site = sites?.length === 1 ? sites[0] : undefined;
  const inPartial = site?.partial === undefined ? '' : ` (in partial "${site.partial}", its line ${site.line})`;
  const line = site && site.partial === undefined ? part.firstLine - 1 + site.line : undefined;
  return new InputError(`helper "${error.helper}" failed for case ${caseId}${inPartial}: ${error.message}`, { file, line }, undefined, error);
}

function describeRenderError(error: unknown, part: CompiledPart, caseId: string, file: string): InputError {
  if (error instanceof StrictPathError) return missingPath(error, caseId, file);
  if (error instanceof HelperError) return helperFailed(error, part, caseId, file);
  const message = error instanceof Error ? error.message : String(error);
  const { lineNumber, column } = error as { lineNumber?: unknown; column?: unknown };
  const line = typeof lineNumber === 'number' ? part.firstLine - 1 + lineNumber : undefined;
  const notDefined = /^"([^"]+)" not defined in/.exec(message);
  if (notDefined) {
    const property = notDefined[1] ?? '';
    const path = part.references.pathsByPosition.get(`${String(lineNumber)}:${String(column)}`) ?? property;
    const detail = path === property ? '' : ` ("${property}" not found)`;
    return new InputError(`variable "${path}" is missing for case ${caseId}${detail}`, { file, line }, undefined, error);
  }
  return new InputError(`could not render the ${part.part} for case ${caseId}: ${message}`, { file, line }, undefined, error);
}
