import type { ChatMessage, TextBlock, ToolChoice, ToolDefinition } from '../providers/types.js';

/** A template's declared variable types, checked before rendering. */
export type VariableType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';

/** A prompt-caching TTL. */
export type CacheTtl = '5m' | '1h';

/** One block of a list-form `system:`: Handlebars text, optionally marked for prompt caching. */
export interface SystemBlockTemplate {
  text: string;
  cache?: CacheTtl;
  /** 1-based line in the file where the block's text starts. */
  line?: number;
}

/** The file lines of the front-matter keys a run checks against each model before sending (engine/preflight.ts). */
export interface TemplateKeyLines {
  maxTokens: number;
  /** `params.thinking.type`, when the template sets thinking. */
  thinkingType?: number;
  toolChoice?: number;
}

/** One version of a prompt: a Handlebars file with YAML front matter. */
export interface PromptTemplate {
  id: string;
  version: string;
  description?: string;
  /** Default model for this version (a suite's `models` override it). */
  model?: string;
  maxTokens: number;
  /** The system text, itself a Handlebars template (`system:` written as one text). */
  system?: string;
  /** The system as blocks (`system:` written as a list), each a Handlebars template, some marked for caching. */
  systemBlocks?: SystemBlockTemplate[];
  /**
   * The body: rendered into the single user message, or — when it uses `{{#user}}` and
   * `{{#assistant}}` blocks — into the conversation's turns.
   */
  body: string;
  /** Tools the model may call, their input schemas checked at load. */
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Stream the answer (`stream:` in the front matter). */
  stream?: boolean;
  stopSequences?: string[];
  /** JSON Schema the answer must follow (structured output + a schema scorer can use it). */
  output?: Record<string, unknown>;
  variables?: Record<string, VariableType>;
  /**
   * Declared variables that a case may leave out (declared with a `?` suffix, e.g. `string?`).
   * A missing optional variable renders as empty and is false in `{{#if}}`.
   */
  optionalVariables?: string[];
  /** The file line each declared variable is declared on (front matter), for errors about its cases' values. */
  variableLines?: Record<string, number>;
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
  /** Where the keys checked against a model are written, for errors found once the models are known. */
  keyLines?: TemplateKeyLines;
  /** Partials (name → template text) available to this template, attached by `loadPromptVersions`. */
  partials?: Record<string, string>;
}

/**
 * A rendered prompt: the full Claude request it stands for, less the model and its parameters.
 * A one-message template gives one user message; a conversation template its turns.
 */
export interface RenderedPrompt {
  system?: string | TextBlock[];
  messages: ChatMessage[];
  /**
   * The user message's text when the prompt is today's one-message shape (a system text, one
   * plain-text user message, no tools): how it is stored and hashed, unchanged. Absent otherwise.
   */
  user?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Asked by the template or the suite; absent when neither said. */
  stream?: boolean;
}

/** What a template's body is made of, found once at compile time. */
export interface PromptShape {
  /** The body is written as `{{#user}}` / `{{#assistant}}` turns. */
  conversation: boolean;
  /** Its last turn is written as an assistant turn (a prefill, which some models reject). */
  prefill: boolean;
  /** The file line of that last `{{#assistant}}` turn, for errors about the prefill. */
  prefillLine?: number;
}

/**
 * Root variables a template reads, in order of first use; `everything` when it hands the whole
 * case on (`{{json this}}`, `{{> part .}}`, `@root`) and so may render any variable.
 */
export interface RenderedVariables {
  names: readonly string[];
  everything: boolean;
}

/** A template compiled once and rendered once per case. */
export interface CompiledPrompt {
  template: PromptTemplate;
  shape: PromptShape;
  /** The case variables the template (body, system text and the partials they call) can render. */
  variables: RenderedVariables;
  /** Throws InputError naming the variable, the case and the file when vars do not fit. */
  render(vars: Record<string, unknown>, caseId: string): RenderedPrompt;
}
