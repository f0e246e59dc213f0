/**
 * What a template refers to, found by walking its Handlebars AST once at compile time:
 * the variables it reads from the case's vars (root context), the partials and helpers it calls,
 * and the source text of every path by position (to name the full path in runtime errors).
 */

/** Block helpers that render their body in the same context; every other block moves into a new one. */
const CONTEXT_PRESERVING_BLOCKS = new Set(['if', 'unless']);

export interface Reference {
  name: string;
  /** Line in the template (1-based); for references inside a partial, the line of the partial call. */
  line: number;
}

export interface TemplateReferences {
  /** Root variables in order of first use, with that line. */
  variables: Reference[];
  partials: Reference[];
  /** Helpers called with arguments, or as blocks with arguments. */
  helpers: Reference[];
  /** `line:column` of each path expression → its source text, e.g. `customer.name`. */
  pathsByPosition: Map<string, string>;
  /**
   * The template hands the whole root context on (`{{json this}}`, `{{> part .}}`, `@root`): it
   * may then render any variable, not only those in `variables`.
   */
  wholeContext: boolean;
}

export interface ReferenceContext {
  isHelper(name: string): boolean;
  /** Parsed partials by name, to follow references into them. */
  partials: ReadonlyMap<string, hbs.AST.Program>;
  /** Further block helpers that render their body in the same context (conversation turns). */
  contextPreservingBlocks?: ReadonlySet<string>;
}

interface Located {
  loc?: hbs.AST.SourceLocation;
}

export function collectReferences(program: hbs.AST.Program, context: ReferenceContext): TemplateReferences {
  const references: TemplateReferences = { variables: [], partials: [], helpers: [], pathsByPosition: new Map(), wholeContext: false };
  const seen = { variables: new Set<string>(), partials: new Set<string>(), helpers: new Set<string>() };
  const add = (kind: 'variables' | 'partials' | 'helpers', name: string, line: number): void => {
    if (seen[kind].has(name)) return;
    seen[kind].add(name);
    references[kind].push({ name, line });
  };

  /** `depth`: how many context changes deep we are; `callLine`: set while inside a partial. */
  const walkProgram = (node: hbs.AST.Program, depth: number, callLine: number | undefined, stack: string[]): void => {
    for (const statement of node.body) walkStatement(statement, depth, callLine, stack);
  };

  const lineOf = (node: Located, callLine: number | undefined): number => callLine ?? node.loc?.start.line ?? 1;

  const walkPath = (path: hbs.AST.PathExpression, depth: number, callLine: number | undefined): void => {
    if (callLine === undefined && path.loc) {
      references.pathsByPosition.set(`${path.loc.start.line}:${path.loc.start.column}`, path.original);
    }
    if (path.data) {
      if (path.parts[0] === 'root' && path.parts[1] !== undefined) add('variables', path.parts[1], lineOf(path, callLine));
      else if (path.parts[0] === 'root') references.wholeContext = true;
      return;
    }
    // A path refers to the root context when its `../` count climbs back out of every block.
    const head = path.parts[0];
    if (path.depth === depth && head !== undefined) add('variables', head, lineOf(path, callLine));
    else if (path.depth === depth) references.wholeContext = true;
  };

  const walkExpression = (expression: hbs.AST.Expression, depth: number, callLine: number | undefined): void => {
    if (expression.type === 'PathExpression') walkPath(expression as hbs.AST.PathExpression, depth, callLine);
    if (expression.type === 'SubExpression') walkCall(expression as hbs.AST.SubExpression, depth, callLine);
  };

  const walkArguments = (call: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, depth: number, callLine: number | undefined): void => {
    for (const param of call.params) walkExpression(param, depth, callLine);
    for (const pair of call.hash?.pairs ?? []) walkExpression(pair.value, depth, callLine);
  };

  const hasArguments = (call: { params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): boolean =>
    call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;

  /** A mustache, block or sub-expression: either a helper call or a plain variable. */
  const walkCall = (
    call: { type: string; path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash } & Located,
    depth: number,
    callLine: number | undefined,
  ): void => {
    if (call.path.type !== 'PathExpression') return;
    const path = call.path as hbs.AST.PathExpression;
    const simpleName = !path.data && path.depth === 0 && path.parts.length === 1 ? path.parts[0] : undefined;
    if (call.type === 'SubExpression' || hasArguments(call)) {
      add('helpers', path.original, lineOf(call, callLine));
      walkArguments(call, depth, callLine);
    } else if (simpleName === undefined || !context.isHelper(simpleName)) {
      walkPath(path, depth, callLine);
    }
  };

  const walkStatement = (statement: hbs.AST.Statement, depth: number, callLine: number | undefined, stack: string[]): void => {
    switch (statement.type) {
      case 'MustacheStatement':
        walkCall(statement as hbs.AST.MustacheStatement, depth, callLine);
        return;
      case 'BlockStatement': {
        const block = statement as hbs.AST.BlockStatement;
        walkCall(block, depth, callLine);
        const helper = block.path.parts.length === 1 ? block.path.parts[0] : undefined;
        const preserving = helper !== undefined && (CONTEXT_PRESERVING_BLOCKS.has(helper) || context.contextPreservingBlocks?.has(helper) === true);
        const bodyDepth = preserving ? depth : depth + 1;
        if (block.program) walkProgram(block.program, bodyDepth, callLine, stack);
        if (block.inverse) walkProgram(block.inverse, depth, callLine, stack);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const partial = statement as hbs.AST.PartialStatement | hbs.AST.PartialBlockStatement;
        walkArguments(partial, depth, callLine);
        if ('program' in partial && partial.program) walkProgram(partial.program, depth, callLine, stack);
        if (partial.name.type !== 'PathExpression') {
          walkCall(partial.name as hbs.AST.SubExpression, depth, callLine);
          return;
        }
        const name = (partial.name as hbs.AST.PathExpression).original;
        if (name.startsWith('@')) return;
        const line = lineOf(partial, callLine);
        add('partials', name, line);
        const body = context.partials.get(name);
        if (!body || stack.includes(name)) return;
        // A partial given a context or hash arguments reads from those, not from the case's vars.
        const partialDepth = hasArguments(partial) ? depth + 1 : depth;
        walkProgram(body, partialDepth, line, [...stack, name]);
        return;
      }
      default:
        return;
    }
  };

  walkProgram(program, 0, undefined, []);
  return references;
}

/** Where a call of a helper sits: `line` in its own source, and the partial that source is, if it is one. */
export interface HelperCallSite {
  line: number;
  partial?: string;
}

/** The key of a helper call in `helperCallSites`: its name and where it starts in its source. */
export function helperCallKey(name: string, line: number, column: number): string {
  return `${name}@${line}:${column}`;
}

/**
 * Every mustache, block and sub-expression of a source by helperCallKey, for naming the line of a
 * helper that failed. A partial's calls are found in the partial's own source (`partial` set).
 */
export function addHelperCallSites(program: hbs.AST.Program, sites: Map<string, HelperCallSite[]>, partial?: string): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const { type, path, loc } = node as { type?: unknown; path?: { type?: unknown; original?: unknown }; loc?: hbs.AST.SourceLocation };
    const isCall = type === 'MustacheStatement' || type === 'BlockStatement' || type === 'SubExpression';
    if (isCall && path?.type === 'PathExpression' && typeof path.original === 'string' && loc) {
      const key = helperCallKey(path.original, loc.start.line, loc.start.column);
      const site: HelperCallSite = partial === undefined ? { line: loc.start.line } : { line: loc.start.line, partial };
      sites.set(key, [...(sites.get(key) ?? []), site]);
    }
    for (const [field, value] of Object.entries(node)) if (field !== 'loc' && field !== 'strip') visit(value);
  };
  visit(program);
}
