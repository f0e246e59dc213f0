// PLACEHOLDER: replaced by the command's implementation. Not to be committed as is.
import { InputError } from '../../errors.js';

export async function mergeCommand(records: string[], flags: Record<string, unknown>): Promise<number> {
  throw new InputError('this command is not implemented yet');
}
