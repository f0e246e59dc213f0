/**
 * The shape of `promptgold.config.*`, checked when a config file is loaded. Apart from config.ts so
 * that commands run without a config file (a plain `compare`) never load the schema library.
 */
import * as z from 'zod';
import { timerMsSchema } from './timerMsSchema.js';

const limitsShape = z
  .object({
    requestsPerMinute: z.number().positive().optional(),
    inputTokensPerMinute: z.number().positive().optional(),
    outputTokensPerMinute: z.number().positive().optional(),
  })
  .strict();

export const configShape = z
  .object({
    /** Where runs are written: `<outDir>/runs/<run-id>/`. */
    outDir: z.string().optional(),
    /** Where suites are looked for when `run` gets no arguments. */
    suites: z.array(z.string()).optional(),
    /** The response cache's folder, relative to the project root or absolute (default `.promptgold/cache`). */
    cacheDir: z.string().optional(),
    anthropic: z
      .object({
        baseURL: z.string().url().optional(),
        /** Per HTTP attempt, at least; raised for large max_tokens (default 60 000). */
        timeoutMs: timerMsSchema().optional(),
        maxRetries: z.number().int().min(0).max(10).optional(),
        /** The longest retry-after worth waiting for; a longer one ends the sample as rate_limit (default 60 000). */
        maxRetryWaitMs: timerMsSchema().optional(),
        /** A stream silent this long (no event, no ping) has stalled: sent again, or a timeout (default 90 000). */
        streamIdleTimeoutMs: timerMsSchema().optional(),
        /** Headers sent with every request (a gateway's routing header …). */
        defaultHeaders: z.record(z.string(), z.string()).optional(),
        /** Beta flags, sent as `anthropic-beta`. */
        betas: z.array(z.string().min(1)).optional(),
        /** Stream every response (default: only when max_tokens needs it). */
        stream: z.boolean().optional(),
        /** The same 400 (or 413) answer to this many different requests in a row stops the run (default 5). */
        stopAfterIdenticalBadRequests: z.number().int().min(1).optional(),
        /** Judge calls in flight at once (default: maxConcurrency). */
        judgeConcurrency: z.number().int().positive().optional(),
        limits: limitsShape.optional(),
        targetFraction: z.number().gt(0).max(1).optional(),
        maxConcurrency: z.number().int().positive().optional(),
        maxInputTokensPerRequest: z.number().int().positive().optional(),
        countTokens: z.boolean().optional(),
        /** How often batch mode polls a batch's status (default 30 000 ms). */
        batchPollMs: timerMsSchema().optional(),
      })
      .strict()
      .optional(),
    /** Overrides of the dated model/price table (see data/models.json). */
    models: z.record(z.string(), z.unknown()).optional(),
    maxCostUsd: z.number().positive().optional(),
    /** Share of samples allowed to go unscored before a run fails (0..1); a suite's own and --max-error-rate win. */
    maxErrorRate: z.number().min(0).max(1).optional(),
    /** The verdict policy of `compare` and `upgrade-check` for every suite; a suite's `policy` and the flags win. */
    policy: z
      .object({
        maxPassRateDrop: z.number().optional(),
        alpha: z.number().optional(),
        maxCostIncrease: z.number().optional(),
        maxP95LatencyIncrease: z.number().optional(),
        maxRefusalRateIncrease: z.number().optional(),
        maxTruncationRateIncrease: z.number().optional(),
        failOnNewErrors: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PromptgoldConfig = z.infer<typeof configShape>;
