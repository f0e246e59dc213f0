/** A template's declared variable types, checked before rendering. */
export type VariableType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';

/** One version of a prompt: a Handlebars file with YAML front matter. */
export interface PromptTemplate {
  id: string;
  version: string;
  description?: string;
  /** Default model for this version (a suite's `models` override it). */
  model?: string;
  maxTokens: number;
  /** The system text, itself a Handlebars template. */
  system?: string;
  /** The body: rendered into the single user message. */
  body: string;
  stopSequences?: string[];
  /** JSON Schema the answer must follow (structured output + a schema scorer can use it). */
  output?: Record<string, unknown>;
  variables?: Record<string, VariableType>;
  /**
   * Declared variables that a case may leave out (declared with a `?` suffix, e.g. `string?`).
   * A missing optional variable renders as empty and is false in `{{#if}}`.
   */
  optionalVariables?: string[];
  /** Other model parameters (temperature, thinking, effort …), passed through to the provider. */
  params?: Record<string, unknown>;
  /** Absolute path of the file. */
  file: string;
  /** sha256 over the normalized front matter and body, hex. */
  hash: string;
  /** 1-based line in `file` where the body starts, to turn template line numbers into file lines. */
  bodyLine?: number;
  /** 1-based line in `file` where the system text starts. */
  systemLine?: number;
  /** Partials (name → template text) available to this template, attached by `loadPromptVersions`. */
  partials?: Record<string, string>;
}

export interface RenderedPrompt {
  system?: string;
  user: string;
}

/** A template compiled once and rendered once per case. */
export interface CompiledPrompt {
  template: PromptTemplate;
  /** Throws InputError naming the variable, the case and the file when vars do not fit. */
  render(vars: Record<string, unknown>, caseId: string): RenderedPrompt;
}
