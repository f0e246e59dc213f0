/**
 * The synthetic stand-in for Claude behind the support example (`suites/support`): a pure function
 * of (case, version, model, repeat) that answers a support request with tool calls or words, and
 * reports the usage a real streamed, prompt-cached answer would have.
 *
 * - Most samples do the right thing: call the expected tool with the right arguments, or answer in
 *   words naming what the customer needs. Hard cases (no invoice number, an annual plan long
 *   paid, an injected "override", a message in German) fail more, and the stronger model
 *   (claude-sonnet-5-5) less.
 * - v1 says "refund with create_refund when asked", so the models often refund without looking the
 *   invoice up first; v2 fixes that but makes the weaker model look up invoices it could have
 *   refunded directly — so comparing versions finds fixed and regressed cases.
 * - Usage: the tools and first system block (the cached prefix) are read from the prompt cache,
 *   except on about one request in twelve, which writes it; time to first token is lower on a
 *   cache read; the answer streams.
 */
import type { GoldenCase } from '../src/datasets/types.js';
import { estimateInputTokens } from '../src/providers/tokens.js';
import type { Generation, GenerateContext, GenerationRequest, Provider, ToolCall } from '../src/providers/types.js';
import { gaussian, hash32, hashUnit, pick, seededRandom, type Random } from './synthetic-model.js';

interface SupportExpected {
  tool: 'lookup_invoice' | 'create_refund' | null;
  input?: { invoice_number?: string; amount?: number; reason?: string };
  mentions?: string[];
  reply?: string;
}

interface Profile {
  skill: number;
  /** v1: how often a refund request is refunded without looking the invoice up first. */
  refundsEagerly: number;
  /** v2: how often an invoice is looked up that could have been refunded directly. */
  overLookup: number;
  ttftMs: number;
  msPerOutputToken: number;
}

const PROFILES: Record<string, Profile> = {
  'claude-sonnet-4-6': { skill: 0.74, refundsEagerly: 0.55, overLookup: 0.4, ttftMs: 520, msPerOutputToken: 13 },
  'claude-sonnet-5-5': { skill: 0.84, refundsEagerly: 0.3, overLookup: 0.08, ttftMs: 610, msPerOutputToken: 10 },
};
const DEFAULT_PROFILE: Profile = { skill: 0.75, refundsEagerly: 0.4, overLookup: 0.2, ttftMs: 600, msPerOutputToken: 12 };

const WRITE_SHARE = 1 / 12;
const CACHE_READ_TTFT = 0.8;

export function createSupportProvider(cases: readonly GoldenCase[]): Provider {
  const byId = new Map(cases.map((c) => [c.id, c]));
  return {
    id: 'synthetic:support',
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const found = byId.get(context.caseId);
      if (!found) throw new Error(`synthetic model: unknown case "${context.caseId}" for suite support`);
      return supportAnswer(request, { caseId: found.id, tags: found.tags, vars: found.vars, expected: found.expected as SupportExpected, version: context.promptVersion, repeat: context.repeat });
    },
  };
}

interface SupportInput {
  caseId: string;
  tags: string[];
  vars: Record<string, unknown>;
  expected: SupportExpected;
  version: string;
  repeat: number;
}

function supportAnswer(request: GenerationRequest, input: SupportInput): Generation {
  const random = seededRandom(['support', input.caseId, input.version, request.model, String(input.repeat)]);
  const profile = PROFILES[request.model] ?? DEFAULT_PROFILE;
  const margin = profile.skill - difficulty(input) + gaussian(random) * 0.08;
  const draft = decide(input, profile, margin, random);
  const toolTokens = draft.toolCalls.reduce((n, call) => n + Math.ceil(JSON.stringify(call.input).length / 3), 0);
  const outputTokens = Math.max(8, Math.round(draft.text.split(/\s+/).length * 1.3) + toolTokens + 12 * draft.toolCalls.length);
  const usage = cacheUsage(request, input);
  const hit = (usage.cacheReadInputTokens ?? 0) > 0;
  const ttftMs = Math.round(profile.ttftMs * (hit ? CACHE_READ_TTFT : 1) * Math.exp(gaussian(random) * 0.25));
  const latencyMs = Math.round(ttftMs + profile.msPerOutputToken * outputTokens * Math.exp(gaussian(random) * 0.2));
  const generation: Generation = {
    text: draft.text,
    stopReason: draft.toolCalls.length ? 'tool_use' : 'end_turn',
    latencyMs,
    usage: { ...usage, outputTokens },
    streamed: true,
    ttftMs,
  };
  if (draft.toolCalls.length) generation.toolCalls = draft.toolCalls;
  return generation;
}

function difficulty(input: SupportInput): number {
  const u = hashUnit(['support', input.caseId, 'difficulty']);
  let value = u * u * 0.6;
  if (input.tags.includes('hard')) value += 0.35;
  if (input.tags.includes('non-english')) value += 0.2;
  return Math.min(1, value);
}

interface Draft {
  text: string;
  toolCalls: ToolCall[];
}

function callOf(name: string, args: Record<string, unknown>, input: SupportInput, random: Random): ToolCall {
  const id = `toolu_${hash32(['support', input.caseId, input.version, String(input.repeat), name, String(random())]).toString(16).padStart(8, '0')}`;
  return { id, name, input: args };
}

function decide(input: SupportInput, profile: Profile, margin: number, random: Random): Draft {
  const { expected } = input;
  const invoice = expected.input?.invoice_number ?? /INV-\d{5}/.exec(String(input.vars['message']))?.[0];
  const v1 = input.version === 'v1';
  if (expected.tool === 'create_refund' && invoice) {
    if (!v1 && random() < profile.overLookup) return lookup(invoice, input, random);
    if (margin < 0) {
      return random() < 0.5 ? lookup(invoice, input, random) : refund(invoice, (expected.input?.amount ?? 10) * 2, expected.input?.reason ?? 'goodwill', input, random);
    }
    return refund(invoice, expected.input?.amount ?? 0, expected.input?.reason ?? 'duplicate_charge', input, random);
  }
  if (expected.tool === 'lookup_invoice' && invoice) {
    const asksRefund = /refund|money back|credit|erstatt/i.test(String(input.vars['message']));
    if (asksRefund && v1 && random() < profile.refundsEagerly) {
      const amount = Number(/amount (\d+)/.exec(String(input.vars['message']))?.[1] ?? pick([29, 49, 99, 199], random));
      return refund(invoice, amount, input.caseId.includes('outage') ? 'outage_credit' : 'goodwill', input, random);
    }
    if (margin < 0) return { text: pick([`I'll check ${invoice} with our billing team and get back to you.`, `Thanks, I have noted ${invoice}; a colleague will follow up.`], random), toolCalls: [] };
    return lookup(invoice, input, random);
  }
  return worded(input, margin, random);
}

function lookup(invoice: string, input: SupportInput, random: Random): Draft {
  const text = pick([`Let me look up ${invoice}.`, `I'll check ${invoice} for you.`, `One moment while I look up ${invoice}.`], random);
  return { text, toolCalls: [callOf('lookup_invoice', { invoice_number: invoice }, input, random)] };
}

function refund(invoice: string, amount: number, reason: string, input: SupportInput, random: Random): Draft {
  const text = pick([`I'm refunding ${amount} on ${invoice} now.`, `Refunding the charge on ${invoice}.`, `I'll refund ${invoice} for you.`], random);
  return { text, toolCalls: [callOf('create_refund', { invoice_number: invoice, amount, reason }, input, random)] };
}

const VAGUE: Record<string, string> = {
  'Settings → Branding': 'the branding settings',
  'Reports → Export': 'the reports page',
  'Settings → Team → Security': 'the team settings',
  'Payroll → Corrections': 'the payroll section',
  'Invoices → Recurring': 'the invoice settings',
  'status.tallyhive.com': 'our status page',
  'security@tallyhive.com': 'our security team',
  'privacy@tallyhive.com': 'our privacy team',
  'invoice number': 'the details',
};

/** A worded answer: the reference reply, lightly varied; below the margin, it names the place vaguely. */
function worded(input: SupportInput, margin: number, random: Random): Draft {
  let text = input.expected.reply ?? 'Happy to help: could you tell me a bit more?';
  if (margin < 0) for (const mention of input.expected.mentions ?? []) text = text.split(mention).join(VAGUE[mention] ?? 'there');
  const lead = pick(['', '', 'Sure! ', 'Good question. ', 'Happy to help. '], random);
  const tail = pick(['', '', ' Anything else I can do?', ' Let me know if that works.'], random);
  return { text: `${lead}${text}${tail}`, toolCalls: [] };
}

/**
 * Usage of a streamed, prompt-cached request: the prefix up to the first system block (tools and
 * the cached policy) is read from the cache, or written on about one request in twelve; the rest
 * (the plan line, few-shot turns, the PDF and the message) is uncached input.
 */
function cacheUsage(request: GenerationRequest, input: SupportInput): NonNullable<Generation['usage']> {
  const system = typeof request.system === 'string' ? [] : (request.system ?? []);
  const cachedPart: GenerationRequest = { model: request.model, maxTokens: 0, messages: [], tools: request.tools ?? [], system: system.slice(0, 1) };
  const prefix = estimateInputTokens(cachedPart);
  const total = estimateInputTokens(request);
  const writes = hashUnit(['support', input.caseId, input.version, request.model, String(input.repeat), 'cache']) < WRITE_SHARE;
  return {
    inputTokens: Math.max(1, total - prefix),
    outputTokens: 0,
    cacheCreationInputTokens: writes ? prefix : 0,
    cacheReadInputTokens: writes ? 0 : prefix,
    cacheCreation5mInputTokens: writes ? prefix : 0,
    cacheCreation1hInputTokens: 0,
  };
}
