/**
 * The calibration view: how far the suite's rubric judge agrees with human labels, as written by
 * `promptgold calibrate <suite>` to `<outDir>/calibration/<suite>.json`. A run folder lives at
 * `<outDir>/runs/<id>/`, so the file is found two folders up from it. Every text in the file
 * (case ids, judge reasons) is treated like model output: controls made visible, long text cut.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { calibrationPath } from '../../judge/calibration/store.js';
import type { CalibrationReport, Label } from '../../judge/calibration/types.js';
import { isRunFolderRecord } from '../../records/runDir.js';
import { REASON_CHARS } from './repeatView.js';
import { showText } from './text.js';
import type { CalibrationView } from './types.js';

/** Ids and model names are short; a longer one is cut. */
const ID_CHARS = 300;

/**
 * Where the calibration file of `suite` would be for the run whose record is `recordFile`; null
 * for a record that is not in a run folder (a baseline file has no outDir beside it).
 */
export function calibrationFileBeside(recordFile: string, suite: string): string | null {
  if (!isRunFolderRecord(recordFile)) return null;
  const outDir = dirname(dirname(dirname(recordFile)));
  return calibrationPath(outDir, suite);
}

const label = z.union([z.boolean(), z.number()]);
const nullableNumber = z.number().nullable();

/** The parts of a `CalibrationReport` the view reads; other keys are ignored. */
const calibrationFileSchema = z.object({
  type: z.literal('calibration'),
  suite: z.string(),
  scorer: z.string(),
  judgeModel: z.string(),
  scale: z.enum(['pass-fail', '1-5']),
  labeledOutput: z.object({ promptId: z.string(), version: z.string(), model: z.string() }),
  labeled: z.number(),
  unscored: z.number(),
  agreement: z.object({
    n: z.number(),
    percentAgreement: nullableNumber,
    kappa: nullableNumber,
    kappaKind: z.enum(['cohen', 'quadratic-weighted']),
    cohensKappa: nullableNumber,
    categories: z.array(z.union([z.string(), z.number()])),
    confusion: z.array(z.array(z.number())),
    truePositiveRate: nullableNumber,
    trueNegativeRate: nullableNumber,
  }),
  disagreements: z.array(z.object({ caseId: z.string(), human: label, judge: label, reason: z.string() })),
  noise: z.object({
    judgementsRequested: z.number(),
    judgementsPerOutput: z.object({ fewest: z.number(), most: z.number() }),
    outputs: z.number(),
    unanimous: nullableNumber,
    pairwiseAgreement: nullableNumber,
    meanStdev: nullableNumber,
    maxStdev: nullableNumber,
  }),
  failures: z.array(z.object({ caseId: z.string(), judgement: z.number().optional(), reason: z.string() })),
});

type CalibrationFile = z.infer<typeof calibrationFileSchema>;

export type LoadedCalibration = { view: CalibrationView } | { warning: string } | null;

/** Reads the calibration file of `suite`; null when there is none, a warning when it is unusable. */
export async function loadCalibrationFile(file: string, suite: string): Promise<LoadedCalibration> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { warning: `calibration file ${file} could not be read: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { warning: `calibration file ${file} is not JSON (${(error as Error).message}): run promptgold calibrate ${suite} again` };
  }
  const parsed = calibrationFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unexpected shape';
    return { warning: `calibration file ${file} is not a calibration report (${where}): run promptgold calibrate ${suite} again` };
  }
  if (parsed.data.suite !== suite) {
    return { warning: `calibration file ${file} is for suite "${parsed.data.suite}", not "${suite}": not shown` };
  }
  return { view: calibrationView(parsed.data) };
}

/** What the page shows of a calibration report: figures as they are, texts made safe to show. */
export function calibrationView(report: CalibrationReport | CalibrationFile): CalibrationView {
  const { agreement, noise } = report;
  const output = report.labeledOutput;
  return {
    suite: report.suite,
    scorer: showText(report.scorer, ID_CHARS).text,
    judgeModel: showText(report.judgeModel, ID_CHARS).text,
    scale: report.scale,
    labeledOutput: showText(`${output.promptId} ${output.version} × ${output.model}`, ID_CHARS).text,
    labeled: report.labeled,
    unscored: report.unscored,
    agreement: {
      n: agreement.n,
      percentAgreement: agreement.percentAgreement,
      kappa: agreement.kappa,
      kappaKind: agreement.kappaKind,
      cohensKappa: agreement.cohensKappa,
      categories: agreement.categories.map(String),
      confusion: agreement.confusion.map((row) => [...row]),
      truePositiveRate: agreement.truePositiveRate,
      trueNegativeRate: agreement.trueNegativeRate,
    },
    disagreements: report.disagreements.map((item) => ({
      caseId: showText(item.caseId, ID_CHARS).text,
      human: labelText(item.human),
      judge: labelText(item.judge),
      reason: showText(item.reason, REASON_CHARS).text,
    })),
    noise: {
      judgementsRequested: noise.judgementsRequested,
      judgementsPerOutput: { ...noise.judgementsPerOutput },
      outputs: noise.outputs,
      unanimous: noise.unanimous,
      pairwiseAgreement: noise.pairwiseAgreement,
      meanStdev: noise.meanStdev,
      maxStdev: noise.maxStdev,
    },
    failures: failuresView(report.failures),
  };
}

function failuresView(failures: CalibrationReport['failures']): CalibrationView['failures'] {
  const first = failures[0];
  if (!first) return { count: 0 };
  return { count: failures.length, first: { caseId: showText(first.caseId, ID_CHARS).text, reason: showText(first.reason, REASON_CHARS).text } };
}

/** Labels as the confusion matrix names its categories: pass/fail, or the 1-5 level. */
export function labelText(value: Label): string {
  return typeof value === 'boolean' ? (value ? 'pass' : 'fail') : String(value);
}
