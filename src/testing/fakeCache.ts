/**
 * The fake's prompt cache. A request's content is a sequence of blocks in the order the API reads
 * it (tools, system, messages); a cache mark on a block (or the top-level automatic mark, on the
 * last block) makes the prefix up to it cacheable. The longest marked prefix already cached (same
 * model, not expired) is read; the prefix up to the last mark beyond it is written, each part at
 * the TTL of the mark that ends it. Prefixes shorter than the model's minimum are neither read nor
 * written, as with the API. Token counts use the fake's tokenizer (four characters a token).
 */
import { createHash } from 'node:crypto';

type Json = Record<string, unknown>;

export interface CacheUsage {
  read: number;
  write5m: number;
  write1h: number;
}

interface Segment {
  /** Characters the block counts as (text, document text, base64 data, tool JSON). */
  chars: number;
  /** The block without its cache mark, for the prefix's identity. */
  identity: string;
  mark?: '5m' | '1h';
}

const CHARS_PER_TOKEN = 4;
const TTL_MS = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000 } as const;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function markOf(block: Json): '5m' | '1h' | undefined {
  const mark = block.cache_control;
  if (!isObject(mark)) return undefined;
  return mark.ttl === '1h' ? '1h' : '5m';
}

function charsOf(block: Json): number {
  if (typeof block.text === 'string') return block.text.length;
  const source = block.source;
  if (isObject(source) && typeof source.data === 'string') return source.data.length;
  return JSON.stringify(block).length;
}

function segment(block: Json): Segment {
  const { cache_control: _mark, ...rest } = block;
  const mark = markOf(block);
  return { chars: charsOf(block), identity: JSON.stringify(rest), ...(mark ? { mark } : {}) };
}

/** The request's blocks in the order the cache reads them. */
export function cacheSegments(body: Json): Segment[] {
  const segments: Segment[] = [];
  if (Array.isArray(body.tools)) for (const tool of body.tools as Json[]) segments.push({ ...segment(tool), chars: JSON.stringify(tool).length });
  if (typeof body.system === 'string') segments.push({ chars: body.system.length, identity: JSON.stringify(body.system) });
  else if (Array.isArray(body.system)) for (const block of body.system as Json[]) segments.push(segment(block));
  for (const message of (body.messages as Json[] | undefined) ?? []) {
    const role = String(message.role);
    if (typeof message.content === 'string') segments.push({ chars: message.content.length, identity: JSON.stringify([role, message.content]) });
    else {
      for (const block of message.content as Json[]) {
        const part = segment(block);
        segments.push({ ...part, identity: JSON.stringify([role, part.identity]) });
      }
    }
  }
  const automatic = body.cache_control;
  const last = segments.at(-1);
  if (isObject(automatic) && last && !last.mark) last.mark = automatic.ttl === '1h' ? '1h' : '5m';
  return segments;
}

export class FakePromptCache {
  /** Prefix hash → expiry (epoch ms). */
  private readonly entries = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** What this request reads from and writes to the cache; records the writes and refreshes what it read. */
  use(model: string, body: Json, minTokens: number): CacheUsage {
    const segments = cacheSegments(body);
    const hash = createHash('sha256').update(model);
    const breakpoints: Array<{ key: string; tokens: number; mark: '5m' | '1h' }> = [];
    let chars = 0;
    for (const part of segments) {
      hash.update('\u0000').update(part.identity);
      chars += part.chars;
      if (part.mark) breakpoints.push({ key: hash.copy().digest('hex'), tokens: Math.ceil(chars / CHARS_PER_TOKEN), mark: part.mark });
    }
    const cacheable = breakpoints.filter((point) => point.tokens >= minTokens);
    if (cacheable.length === 0) return { read: 0, write5m: 0, write1h: 0 };
    const now = this.now();
    let hit = -1;
    for (let i = cacheable.length - 1; i >= 0; i--) {
      const expires = this.entries.get(cacheable[i]!.key);
      if (expires !== undefined && expires > now) {
        hit = i;
        break;
      }
    }
    const usage: CacheUsage = { read: hit >= 0 ? cacheable[hit]!.tokens : 0, write5m: 0, write1h: 0 };
    if (hit >= 0) this.entries.set(cacheable[hit]!.key, now + TTL_MS[cacheable[hit]!.mark]);
    let covered = usage.read;
    for (const point of cacheable.slice(hit + 1)) {
      const part = point.tokens - covered;
      if (point.mark === '1h') usage.write1h += part;
      else usage.write5m += part;
      covered = point.tokens;
      this.entries.set(point.key, now + TTL_MS[point.mark]);
    }
    return usage;
  }

  clear(): void {
    this.entries.clear();
  }
}
