/**
 * A template's `params`: the model parameters that have no front-matter key of their own. Checked
 * at load, because a name the request builder does not place is a parameter the user asked for
 * and the model never receives (a misspelt `temprature`, a `max_tokens` the front matter's own
 * `max_tokens` overrides), and the run would go on as if it had been sent. A value the API refuses
 * whatever the model (paramValues.ts) is found here too; what depends on the model is checked
 * before a run (engine/preflight.ts).
 */
import { ProblemList } from '../datasets/problems.js';
import { likelyMeant, meantText } from '../knownKeys.js';
import { REQUEST_OWN_FIELDS, TEMPLATE_PARAMS, type TemplateParam } from '../providers/requestParams.js';
import { isRecord, paramValueProblems } from './paramValues.js';

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
 * value given twice (`effort` and `output_config.effort`); and every value the API refuses
 * (paramValues.ts: a temperature above 1, a top_k that is not a whole number, a thinking budget
 * not below max_tokens …).
 */
export function checkTemplateParams(params: Record<string, unknown>, frontMatter: Record<string, unknown>, where: ParamsWhere): void {
  const problems = new ProblemList();
  const add = (path: string[], message: string) => problems.add({ line: where.lineOf('params', ...path), field: `front matter.params.${path.join('.')}`, message });
  for (const [name, value] of Object.entries(params)) {
    if (name === 'messages') add([name], 'the messages are the template body: write the turns there ({{#user}} … {{/user}}, {{#assistant}} … {{/assistant}})');
    else if (WRITTEN_ELSEWHERE.includes(name)) add([name], ownKeyMessage(name, name, frontMatter));
    else if (!isTemplateParam(name)) add([name], unknownParamMessage(name));
    else for (const problem of paramValueProblems(name, value, { maxTokens: frontMatter.max_tokens })) add([name, ...problem.path], problem.message);
  }
  const outputConfig = params.output_config;
  if (isRecord(outputConfig)) {
    for (const name of Object.keys(outputConfig)) {
      if (name === 'format') add(['output_config', name], ownKeyMessage('output_config.format', 'output', frontMatter, 'the JSON Schema itself'));
      else if (!(OUTPUT_CONFIG_FIELDS as readonly string[]).includes(name)) add(['output_config', name], `unknown field "${name}" of output_config${meantText(likelyMeant(name, OUTPUT_CONFIG_FIELDS))}; it holds effort (and format, written as output:)`);
    }
    if (params.effort !== undefined && outputConfig.effort !== undefined) {
      add(['output_config', 'effort'], 'effort is given twice, as params.effort and params.output_config.effort: keep one');
    }
  }
  problems.throwIfAny(where.file);
}

function isTemplateParam(name: string): name is TemplateParam {
  return (TEMPLATE_PARAMS as readonly string[]).includes(name);
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

