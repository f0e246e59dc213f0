import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { InputError } from '../errors.js';
import { displayPath } from '../displayPath.js';
import { HelperError, registerPromptHelpers } from './helpers.js';
import { collectReferences, type Reference, type TemplateReferences } from './templateReferences.js';
import type { CompiledPrompt, PromptTemplate, RenderedPrompt } from './types.js';
import { matchesVariableType, variableTypeOf } from './variableTypes.js';

/*
 * Strictness rule, applied the same way to `{{x}}`, `{{#if x}}`, `{{#each x}}` and helper
 * arguments such as `{{json x}}`: every variable the template reads from the case must be present
 * in the case's vars, even inside a branch that would not render. Handlebars' own strict mode
 * does not check block and helper arguments, so a typo like `{{#if urgnet}}` would silently be
 * false; we check those names ourselves before rendering. A variable declared optional in the
 * front matter (`variables: { note: string? }`) may be left out: it then renders as empty and is
 * false in `{{#if}}`. Nested properties (`customer.name`) are left to Handlebars' strict lookup.
 */

type Part = 'body' | 'system';

interface CompiledPart {
  part: Part;
  firstLine: number;
  references: TemplateReferences;
  render: (context: Record<string, unknown>) => string;
}

/** Names of Handlebars internals that are not meant to be called from a template. */
const INTERNAL_HELPERS = new Set(['helperMissing', 'blockHelperMissing']);

/** Compiles a template once (syntax, partials and helpers are checked now) for rendering per case. */
export function compilePrompt(
  template: PromptTemplate,
  options: { partials?: Record<string, string> } = {},
): CompiledPrompt {
  const file = displayPath(template.file);
  const instance = Handlebars.create();
  registerPromptHelpers(instance);
  const partials = options.partials ?? template.partials ?? {};
  const parsedPartials = new Map<string, hbs.AST.Program>();
  for (const [name, source] of Object.entries(partials)) {
    parsedPartials.set(name, parseTemplate(instance, source, { file, firstLine: 1, what: `partial "${name}"` }));
    instance.registerPartial(name, source);
  }
  const isHelper = (name: string): boolean => Object.hasOwn(instance.helpers, name);

  const compilePart = (part: Part, source: string, firstLine: number): CompiledPart => {
    const ast = parseTemplate(instance, source, { file, firstLine, what: part === 'body' ? 'template' : 'system text' });
    const references = collectReferences(ast, { isHelper, partials: parsedPartials });
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
    const render = instance.compile(ast, { strict: true, noEscape: true });
    return { part, firstLine, references, render: (context) => render(context) };
  };

  const parts: CompiledPart[] = [compilePart('body', template.body, template.bodyLine ?? 1)];
  if (template.system !== undefined) parts.push(compilePart('system', template.system, template.systemLine ?? 1));

  return {
    template: withPartialsInHash(template, parts, partials),
    render(vars: Record<string, unknown>, caseId: string): RenderedPrompt {
      const context = renderContext(template, vars);
      for (const part of parts) checkPresent(part, context, vars, caseId, file);
      checkDeclared(template, vars, caseId, file);
      const rendered: RenderedPrompt = { user: '' };
      for (const part of parts) {
        const text = renderPart(part, context, caseId, file);
        if (part.part === 'body') rendered.user = text;
        else rendered.system = text;
      }
      return rendered;
    },
  };
}

/**
 * A partial is part of the prompt's content: editing one must change the version's hash, or the
 * edit would go unnoticed. The hash of a template that uses partials covers their sources too.
 */
function withPartialsInHash(template: PromptTemplate, parts: CompiledPart[], partials: Record<string, string>): PromptTemplate {
  const used = [...new Set(parts.flatMap((part) => part.references.partials.map((p) => p.name)))].sort();
  if (used.length === 0) return template;
  const sources = used.map((name) => `${name}\u0000${partials[name] ?? ''}`).join('\u0000');
  return { ...template, hash: createHash('sha256').update(`${template.hash}\u0000${sources}`).digest('hex') };
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

/** Required declared variables must be present; every declared variable that is present must have its type. */
function checkDeclared(template: PromptTemplate, vars: Record<string, unknown>, caseId: string, file: string): void {
  const optional = new Set(template.optionalVariables ?? []);
  for (const [name, type] of Object.entries(template.variables ?? {})) {
    const present = Object.hasOwn(vars, name) && vars[name] !== undefined;
    if (!present || (optional.has(name) && vars[name] === null)) {
      if (optional.has(name)) continue;
      throw missingVariable(name, vars, caseId, file);
    }
    if (!matchesVariableType(vars[name], type)) {
      throw new InputError(
        `variable "${name}" must be ${article(type)} (declared type), got ${variableTypeOf(vars[name])} in case ${caseId}`,
        { file, field: `variables.${name}` },
        `fix the value in the dataset, or change the declared type in the front matter`,
      );
    }
  }
}

function article(type: string): string {
  return type === 'any' ? 'any value' : /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function renderPart(part: CompiledPart, context: Record<string, unknown>, caseId: string, file: string): string {
  try {
    return part.render(context);
  } catch (error) {
    throw describeRenderError(error, part, caseId, file);
  }
}

function describeRenderError(error: unknown, part: CompiledPart, caseId: string, file: string): InputError {
  if (error instanceof HelperError) {
    return new InputError(`helper "${error.helper}" failed for case ${caseId}: ${error.message}`, { file }, undefined, error);
  }
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
