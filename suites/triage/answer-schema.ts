/**
 * The triage answer as JSON Schema. The same schema is declared as `output` in the front matter of
 * every triage prompt version (so structured output can enforce it); test/examples checks they agree.
 */
export const TRIAGE_CATEGORIES = [
  'billing',
  'bug',
  'account_access',
  'feature_request',
  'outage',
  'security',
  'cancellation',
  'how_to',
] as const;

export const TRIAGE_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

export const triageAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['category', 'priority', 'summary'],
  properties: {
    category: { type: 'string', enum: [...TRIAGE_CATEGORIES] },
    priority: { type: 'string', enum: [...TRIAGE_PRIORITIES] },
    summary: { type: 'string', minLength: 10, maxLength: 300 },
  },
} as const satisfies Record<string, unknown>;
