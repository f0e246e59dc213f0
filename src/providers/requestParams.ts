/**
 * The Messages API request fields a template's `params` may set, and those that have a place of
 * their own. The prompt loader (prompts/modelParams.ts) refuses what the request builder
 * (anthropic/params.ts) would not send; both read these lists, so neither can drift from the other.
 */

/** The thinking types the Messages API knows (SDK 1.12 ThinkingConfigParam); which of them a model takes is the model table's. */
export const THINKING_TYPES = ['adaptive', 'enabled', 'disabled', 'between_tools'] as const;

/** The thinking types under which the model thinks: all but `disabled`. */
export const THINKING_ON_TYPES: ReadonlySet<string> = new Set<(typeof THINKING_TYPES)[number]>(['adaptive', 'enabled', 'between_tools']);

/*
 * The values the Messages API takes for a request's options (SDK 1.12 request types). The prompt
 * loader (prompts/paramValues.ts) and the fake API (testing/fakeValidation.ts) each check requests
 * their own way, but against these same lists, so the two cannot disagree about the API.
 */
export const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export const SERVICE_TIERS = ['auto', 'standard_only'] as const;
export const SPEEDS = ['standard', 'fast'] as const;
export const CACHE_TTLS = ['5m', '1h'] as const;
export const THINKING_DISPLAYS = ['summarized', 'omitted'] as const;

/** The least `budget_tokens` of thinking type `enabled`. */
export const MIN_THINKING_BUDGET = 1024;

/** The fields each thinking type takes besides `type` (SDK 1.12 ThinkingConfig* types): `between_tools` takes none. */
export const THINKING_FIELDS: Record<(typeof THINKING_TYPES)[number], readonly string[]> = {
  enabled: ['budget_tokens', 'display'],
  adaptive: ['display'],
  disabled: [],
  between_tools: [],
};

export const SAMPLING_PARAMS = ['temperature', 'top_p', 'top_k'] as const;

/** The parameters `params` may hold, as the Messages API names them (in the order errors list them). */
export const TEMPLATE_PARAMS = [
  'temperature',
  'top_p',
  'top_k',
  'thinking',
  'effort',
  'output_config',
  'metadata',
  'service_tier',
  'inference_geo',
  'speed',
  'cache_control',
] as const;
export type TemplateParam = (typeof TEMPLATE_PARAMS)[number];

/** The template parameters the request builder places itself: sampling (kept where the model takes it) and `output_config` (with `effort`). */
const PLACED_BY_THE_BUILDER: readonly string[] = [...SAMPLING_PARAMS, 'effort', 'output_config'];

/** Template parameters sent unchanged at the top level of the request body. */
export const PASS_THROUGH_PARAMS: readonly string[] = TEMPLATE_PARAMS.filter((name) => !PLACED_BY_THE_BUILDER.includes(name));

/**
 * Request fields with a place of their own (a front-matter key, the template body, a
 * GenerationRequest field): under `params` a prompt file refuses them, and the request builder
 * leaves them out and reports them as dropped.
 */
export const REQUEST_OWN_FIELDS = ['model', 'max_tokens', 'messages', 'system', 'stop_sequences', 'stream', 'tools', 'tool_choice'] as const;
