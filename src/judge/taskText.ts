/**
 * The one way a judge is shown what the model was asked: the rendered request's system text and
 * turns as plain text. The rubric judge, pairwise comparison and calibration all build their
 * `<task>` from it, so the same prompt reads the same to every judge (and to the replay keys of
 * recorded judge answers, which cover this text).
 *
 * Layout: a lone user message is shown as is; as soon as there is a system text or more than one
 * turn, every part is labelled (`[system]`, `[user]`, `[assistant]`) and parts are separated by a
 * blank line.
 *
 * It takes the request shape rather than two strings so that multi-turn templates (few-shot turns,
 * prefill) and content blocks need no second format: a system given as text blocks is joined, and
 * a non-text block is named in place (`[document: title]`, `[image]`, `[tool call: name]`), since
 * the judge reads text only. A request and its prompt-store line read the same.
 */

/** A content block as far as the judge cares: its type, its text, a document's title, a tool's name. */
export interface JudgeTaskBlock {
  type: string;
  text?: string;
  title?: string;
  name?: string;
}

export type JudgeTaskContent = string | readonly JudgeTaskBlock[];

export interface JudgeTaskInput {
  system?: JudgeTaskContent;
  messages: ReadonlyArray<{ role: 'user' | 'assistant'; content: JudgeTaskContent }>;
}

export function judgeTaskText(request: JudgeTaskInput): string {
  const parts: string[] = [];
  const system = request.system === undefined ? '' : contentText(request.system);
  if (system) parts.push(`[system]\n${system}`);
  const labelled = request.messages.length > 1 || parts.length > 0;
  for (const message of request.messages) {
    const text = contentText(message.content);
    parts.push(labelled ? `[${message.role}]\n${text}` : text);
  }
  return parts.join('\n\n');
}

function contentText(content: JudgeTaskContent): string {
  if (typeof content === 'string') return content;
  return content.map(blockText).join('\n\n');
}

function blockText(block: JudgeTaskBlock): string {
  if (block.type === 'text') return block.text ?? '';
  if (block.type === 'document' && block.title) return `[document: ${block.title}]`;
  if (block.type === 'tool_use' && block.name) return `[tool call: ${block.name}]`;
  return `[${block.type}]`;
}
