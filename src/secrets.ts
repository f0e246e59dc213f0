/**
 * The secrets this process knows — the Anthropic key from the environment, or one a provider was
 * given — and their removal from every string promptgold writes: records, held-back samples,
 * meta.json, recordings, the response cache, reports and the CLI's console output. A model that
 * echoes the key (an injection test, a debugging answer) must not put it on disk. Each writer calls
 * redactKnownSecrets once at its choke point; with no secret known that is one size check.
 */

export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

const secrets = new Set<string>();

/** Adds a value to redact from everything written from now on (e.g. an apiKey passed in code). */
export function registerSecret(value: string | undefined): void {
  const secret = value?.trim();
  if (secret && secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
}

registerSecret(process.env.ANTHROPIC_API_KEY);
registerSecret(process.env.ANTHROPIC_AUTH_TOKEN);

/** `text` with every known secret replaced by [redacted]. */
export function redactKnownSecrets(text: string): string {
  if (secrets.size === 0) return text;
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return result;
}

/**
 * Makes a stream redact what is written to it (the CLI's stdout and stderr). Only string chunks
 * are rewritten; the stream's own write keeps every other behaviour.
 */
export function redactStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? redactKnownSecrets(chunk) : chunk, ...rest)) as typeof stream.write;
}
