/** The InputError a call throws, for assertions on its message, location and hint; fails the test when it throws none. */
import { expect } from 'vitest';
import { InputError } from '../../src/errors.js';

export function thrownInputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}
