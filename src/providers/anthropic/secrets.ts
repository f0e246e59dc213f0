/** Keeps API keys out of anything a user can see: error messages, records, logs. */

const KEY_PATTERN = /sk-ant-[A-Za-z0-9_-]+/g;

/** Replaces every known secret and anything shaped like an Anthropic key with a placeholder. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_PATTERN, 'sk-ant-[redacted]');
}
