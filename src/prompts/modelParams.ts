/**
 * A template's `params`: the model parameters that have no front-matter key of their own. Checked
 * at load, because a name the request builder does not place is a parameter the user asked for
 * and the model never receives (a misspelt `temprature`, a `max_tokens` the front matter's own
 * `max_tokens` overrides), and the run would go on as if it had been sent. A thinking budget the
 * API refuses whatever the model is found here too; what depends on the model is checked before
 * a run (engine/preflight.ts).
 */
import { ProblemList } from '../datasets/problems.js';
import { likelyMeant, meantText } from '../knownKeys.js';
import { REQUEST_OWN_FIELDS, TEMPLATE_PARAMS } from '../providers/requestParams.js';

/** Request fields written elsewhere in the prompt file (`messages` is the template body): under `params` they would be overridden or ignored. */
const WRITTEN_ELSEWHERE: readonly string[] = REQUEST_OWN_FIELDS;

/** What `output_config` holds; its `format` is what the front matter's `output:` sends. */
const OUTPUT_CONFIG_FIELDS = ['effort', 'format'] as const;

interface ParamsWhere {
  /** The prompt file as shown. */
  file: string;
  /** The file line of a front matter path. */
  lineOf: (...path: PropertyKey[]) => number;
}

/**
 * Throws an InputError listing every name under `params` that would not be sent as written:
 * unknown names (with the likely one meant), fields that have their own front-matter key, a
 * value given twice (`effort` and `output_config.effort`), and a thinking budget the API refuses.
 */
export function checkTemplateParams(params: Record<string, unknown>, frontMatter: Record<string, unknown>, where: ParamsWhere): void {
  const problems = new ProblemList();
  const add = (path: string[], message: string) => problems.add({ line: where.lineOf('params', ...path), field: `front matter.params.${path.join('.')}`, message });
  for (const name of Object.keys(params)) {
    if (name === 'messages') add([name], 'the messages are the template body: write the turns there ({{#user}} … {{/user}}, {{#assistant}} … {{/assistant}})');
    else if (WRITTEN_ELSEWHERE.includes(name)) add([name], ownKeyMessage(name, name, frontMatter));
    else if (!(TEMPLATE_PARAMS as readonly string[]).includes(name)) add([name], unknownParamMessage(name));
  }
  const outputConfig = params.output_config;
  if (outputConfig !== undefined) {
    if (!isRecord(outputConfig)) add(['output_config'], 'expected a mapping ({ effort: … })');
    else {
      for (const name of Object.keys(outputConfig)) {
        if (name === 'format') add(['output_config', name], ownKeyMessage('output_config.format', 'output', frontMatter, 'the JSON Schema itself'));
        else if (!(OUTPUT_CONFIG_FIELDS as readonly string[]).includes(name)) add(['output_config', name], `unknown field "${name}" of output_config${meantText(likelyMeant(name, OUTPUT_CONFIG_FIELDS))}; it holds effort (and format, written as output:)`);
      }
      if (params.effort !== undefined && outputConfig.effort !== undefined) {
        add(['output_config', 'effort'], 'effort is given twice, as params.effort and params.output_config.effort: keep one');
      }
    }
  }
  const thinking = params.thinking;
  if (isRecord(thinking)) {
    if (typeof thinking.type !== 'string') add(['thinking', 'type'], 'expected the thinking type as text (enabled, adaptive or disabled)');
    const problem = thinkingBudgetProblem(thinking, frontMatter.max_tokens);
    if (problem) add(['thinking', 'budget_tokens'], problem);
  } else if (thinking !== undefined) {
    add(['thinking'], `expected a mapping ({ type: enabled, budget_tokens: 2048 }), got ${thinking === null ? 'null' : typeof thinking}`);
  }
  problems.throwIfAny(where.file);
}

/** The least thinking budget the API takes. */
const MIN_THINKING_BUDGET = 1024;

/** What the API would answer 400 about a thinking budget: it is for `enabled` only, at least 1024 and below max_tokens. */
function thinkingBudgetProblem(thinking: Record<string, unknown>, maxTokens: unknown): string | undefined {
  const budget = thinking.budget_tokens;
  if (thinking.type !== 'enabled') {
    return budget === undefined ? undefined : `budget_tokens is taken only with type: enabled (this is type: ${String(thinking.type)}); remove it`;
  }
  if (budget === undefined) return `thinking type enabled needs budget_tokens: a whole number from ${MIN_THINKING_BUDGET} up to less than max_tokens`;
  if (typeof budget !== 'number' || !Number.isInteger(budget)) return `budget_tokens must be a whole number, got ${JSON.stringify(budget)}`;
  if (budget < MIN_THINKING_BUDGET) return `budget_tokens ${budget} is below ${MIN_THINKING_BUDGET}, the least the API takes`;
  if (typeof maxTokens === 'number' && budget >= maxTokens) {
    return `budget_tokens ${budget} must be less than max_tokens (${maxTokens}), which covers thinking and the answer: raise max_tokens or lower the budget`;
  }
  return undefined;
}

function unknownParamMessage(name: string): string {
  const meant = likelyMeant(name, [...TEMPLATE_PARAMS, ...WRITTEN_ELSEWHERE]);
  return `unknown model parameter "${name}"${meantText(meant)}; params takes ${TEMPLATE_PARAMS.join(', ')}`;
}

/** `params.max_tokens` and the like: say which key to use, and that giving both is refused. */
function ownKeyMessage(name: string, key: string, frontMatter: Record<string, unknown>, value = 'its value'): string {
  if (frontMatter[key] !== undefined) return `${name} is set both here and as the front matter's own ${key}: key; only one may be given: remove it from params`;
  return `${name} has its own front-matter key: write ${key}: (with ${value}) at the top level of the front matter, not under params`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
