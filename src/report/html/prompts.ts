/** A stored prompt as the report shows it: each part cut to the limit, a conversation turn by turn. */
import type { CanonicalBlock } from '../../providers/content.js';
import type { PromptStoreLine } from '../../records/types.js';
import { isCut, showText } from './text.js';
import type { PromptText } from './types.js';

export interface PromptOptions {
  /** Longest prompt part kept (characters). */
  limit: number;
  truncated: { prompts: number };
}

export function toPromptView(line: PromptStoreLine, options: PromptOptions): PromptText {
  const plain = plainTexts(line);
  if (!plain) return conversationView(line, options);
  const user = showText(plain.user, options.limit);
  const view: PromptText = { user: user.text };
  if (user.cut !== undefined) view.userCut = user.cut;
  if (plain.system !== undefined) {
    const system = showText(plain.system, options.limit);
    view.system = system.text;
    if (system.cut !== undefined) view.systemCut = system.cut;
  }
  if (view.userCut !== undefined || view.systemCut !== undefined) options.truncated.prompts++;
  return view;
}

/** Whether the report cuts some part of the prompt to `limit` characters (as `toPromptView` would). */
export function isPromptCut(line: PromptStoreLine, limit: number): boolean {
  const plain = plainTexts(line);
  if (!plain) {
    const truncated = { prompts: 0 };
    conversationView(line, { limit, truncated });
    return truncated.prompts > 0;
  }
  return isCut(plain.user, limit) || (plain.system !== undefined && isCut(plain.system, limit));
}

type PlainPrompt = PromptStoreLine & { user: string; system?: string };

/** The line as a plain prompt (a user text, maybe a system text); undefined for a conversation (turns, or a system of blocks). */
function plainTexts(line: PromptStoreLine): PlainPrompt | undefined {
  return line.user === undefined || (line.system !== undefined && typeof line.system !== 'string') ? undefined : (line as PlainPrompt);
}

/** A conversation prompt: system, tools and turns, each as text with its blocks named. */
function conversationView(line: PromptStoreLine, options: PromptOptions): PromptText {
  const parts: Array<{ role: string; text: string }> = [];
  if (line.system !== undefined) parts.push({ role: 'system', text: typeof line.system === 'string' ? line.system : blocksText(line.system) });
  if (line.tools?.length) {
    const tools = line.tools.map((tool) =>
      [`${tool.name}${tool.description ? ` — ${tool.description}` : ''}`, `  input: ${JSON.stringify(tool.inputSchema)}`, ...(tool.cacheControl ? [cacheLine(tool.cacheControl.ttl)] : [])].join('\n'),
    );
    if (line.toolChoice) tools.push(`tool choice: ${line.toolChoice.type === 'tool' ? `tool ${line.toolChoice.name}` : line.toolChoice.type}`);
    parts.push({ role: 'tools', text: tools.join('\n') });
  }
  for (const message of line.messages ?? [{ role: 'user' as const, content: line.user ?? '' }]) {
    parts.push({ role: message.role, text: typeof message.content === 'string' ? message.content : blocksText(message.content) });
  }
  let truncated = false;
  const turns = parts.map(({ role, text }) => {
    const shown = showText(text, options.limit);
    const part: { role: string; text: string; cut?: number } = { role, text: shown.text };
    if (shown.cut !== undefined) {
      part.cut = shown.cut;
      truncated = true;
    }
    return part;
  });
  if (truncated) options.truncated.prompts++;
  return { turns };
}

function cacheLine(ttl: string | undefined): string {
  return `⟨cache mark, ${ttl ?? '5m'}⟩`;
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Blocks as text: text as is, a document or image as one line naming it (type, size, content hash). */
function blocksText(blocks: readonly CanonicalBlock[]): string {
  return blocks
    .map((block) => {
      let text: string;
      if (block.type === 'text') text = block.text;
      else if (block.type === 'document' || block.type === 'image') {
        const details = [block.source.mediaType, kilobytes(block.source.bytes), `sha256 ${block.source.sha256.slice(0, 12)}`];
        if (block.type === 'document' && block.title) details.push(`"${block.title}"`);
        if (block.type === 'document' && block.citations) details.push('citations');
        text = `[${block.type}: ${details.join(', ')}]`;
      } else if (block.type === 'tool_use') text = `[tool call ${block.name} ${JSON.stringify(block.input)}]`;
      else text = `[tool result for ${block.toolUseId}${block.isError ? ', error' : ''}]\n${typeof block.content === 'string' ? block.content : blocksText(block.content ?? [])}`;
      return block.cacheControl ? `${text}\n${cacheLine(block.cacheControl.ttl)}` : text;
    })
    .join('\n\n');
}
