/** The registry of chaos operators, in a fixed order (generation and docs follow it). */
import { InputError } from '../../errors.js';
import type { ChaosOperator } from '../operator.js';
import { ENCODING_OPERATORS } from './encoding.js';
import { INJECTION_OPERATORS } from './injection.js';
import { INVISIBLE_OPERATORS } from './invisible.js';
import { NOISE_OPERATORS } from './noise.js';
import { SIZE_OPERATORS } from './size.js';
import { STRUCTURE_OPERATORS } from './structure.js';

export const CHAOS_OPERATORS: readonly ChaosOperator[] = [
  ...INVISIBLE_OPERATORS,
  ...NOISE_OPERATORS,
  ...ENCODING_OPERATORS,
  ...INJECTION_OPERATORS,
  ...STRUCTURE_OPERATORS,
  ...SIZE_OPERATORS,
];

const BY_NAME: ReadonlyMap<string, ChaosOperator> = new Map(CHAOS_OPERATORS.map((operator) => [operator.name, operator]));

/** The operator called `name`; an unknown name is a user mistake listing the known ones. */
export function getOperator(name: string, field = 'chaos.operators'): ChaosOperator {
  const operator = BY_NAME.get(name);
  if (!operator) {
    throw new InputError(
      `unknown chaos operator "${name}"`,
      { field },
      `known operators: ${CHAOS_OPERATORS.map((known) => known.name).join(', ')} (see \`promptgold chaos --list\`)`,
    );
  }
  return operator;
}
