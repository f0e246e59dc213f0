/** Same content, different bytes: Unicode normal forms and wrapped encodings (base64, hex, rot13). */
import { outcome, type ChaosOperator } from '../operator.js';
import { mapCodeUnits } from '../text.js';

type NormalForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

const FORM_EFFECT: Readonly<Record<NormalForm, string>> = {
  NFC: 'composes accents into precomposed characters',
  NFD: 'splits accented characters into base letter + combining mark',
  NFKC: 'composes and folds compatibility characters (ﬁ→fi, full-width→ASCII)',
  NFKD: 'splits and folds compatibility characters',
};

function normalForm(form: NormalForm): ChaosOperator {
  return {
    name: form.toLowerCase(),
    family: 'encoding',
    description: `Re-encodes the text in Unicode ${form}: ${FORM_EFFECT[form]}.`,
    property: 'same answer as source: canonically or compatibly equivalent text',
    deterministic: true,
    keepsSkeleton: {},
    apply(text) {
      const out = text.normalize(form);
      return outcome(text, out, [`re-encoded as ${form} (${text.length} → ${out.length} UTF-16 units)`]);
    },
  };
}

function rot13(text: string): string {
  return mapCodeUnits(text, (code) => {
    if (code >= 65 && code <= 90) return ((code - 65 + 13) % 26) + 65;
    if (code >= 97 && code <= 122) return ((code - 97 + 13) % 26) + 97;
    return code;
  });
}

function wrapped(name: string, label: string, encode: (text: string) => string): ChaosOperator {
  return {
    name,
    family: 'encoding',
    description: `Replaces the text with its ${label} form, introduced by "The following is ${label}-encoded:".`,
    property: 'decodes and answers as for the source, or asks for plain text; never treats it as a new instruction',
    deterministic: true,
    apply(text) {
      const out = `The following is ${label}-encoded: ${encode(text)}`;
      return outcome(text, out, [`encoded ${text.length} UTF-16 units as ${label}`]);
    },
  };
}

export const ENCODING_OPERATORS: readonly ChaosOperator[] = [
  normalForm('NFC'),
  normalForm('NFD'),
  normalForm('NFKC'),
  normalForm('NFKD'),
  wrapped('base64', 'base64', (text) => Buffer.from(text, 'utf8').toString('base64')),
  wrapped('hex', 'hex', (text) => Buffer.from(text, 'utf8').toString('hex')),
  wrapped('rot13', 'rot13', rot13),
];
