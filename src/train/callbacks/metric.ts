import { ConfigError, describeValue } from '../../errors.js';
import type { Dataset } from '../../data/dataset.js';
import { TOY2D_NAMES, type Toy2dName } from '../../data/toy2d.js';
import { checkInt } from '../../util/validate.js';
import { checkCallbackOptions } from '../trainer-options.js';
import { type EvaluationResult, METRIC_NAMES, type MetricName, evaluate } from '../../metrics/evaluate.js';
import { forDataset } from '../../metrics/feature-extractor.js';
import type { FeatureExtractorLike, SampleSet } from '../../metrics/sample-features.js';
import type { Callback, StepLogs, TrainingContext } from '../callback.js';
import { importNodeModule } from '../../util/node-module.js';

/** Options of {@link metric}. */
export interface MetricCallbackOptions {
  /** Evaluate every this many steps (at steps that are multiples of it). */
  readonly every: number;
  /** Which metrics (see `metrics.METRIC_NAMES`). @defaultValue ['fid'] */
  readonly metrics?: readonly MetricName[];
  /** The real samples. @defaultValue the training data */
  readonly real?: SampleSet;
  /**
   * The feature extractor, or `'auto'`: the shipped one when the training data is MNIST or Fashion-MNIST,
   * else the samples themselves. @defaultValue 'auto'
   */
  readonly features?: FeatureExtractorLike | 'auto';
  /** Samples drawn from the generator each time (the same latents every time). @defaultValue 1000 */
  readonly count?: number;
  /** Real samples used (their features are computed once and cached). @defaultValue min(10,000, data size) */
  readonly realCount?: number;
  /** Seed of the latents. @defaultValue 0 */
  readonly seed?: number;
  /**
   * A JSON-lines file to append one line per evaluation to, e.g. the `metricsLog` file of the run:
   * `{"type":"metrics","step":500,"fid":31.2,"kid":0.021,"kidStd":0.001,...,"time":"..."}`. Lines
   * written by `metricsLog` have no `type`; tell them apart by it.
   */
  readonly path?: string;
  /** Also evaluate when the fit ends on a step that is not a multiple of `every`. @defaultValue true */
  readonly atEnd?: boolean;
  /** Called with each evaluation's plain numbers. */
  readonly onResult?: (logs: MetricLogs) => void | Promise<void>;
}

/** One evaluation as plain numbers: what {@link metric} writes and reports. */
export interface MetricLogs {
  /** The trainer's step count at the evaluation. */
  readonly step: number;
  /** Fréchet distance of the features (lower is better). */
  readonly fid?: number;
  /** Kernel distance of the features: the mean over subsets (lower is better). */
  readonly kid?: number;
  /** The standard deviation of the kernel distance over subsets. */
  readonly kidStd?: number;
  /** Share of fake samples inside the real manifold (realism). */
  readonly precision?: number;
  /** Share of real samples inside the fake manifold (diversity). */
  readonly recall?: number;
  /** Average real neighbourhoods per fake sample over k (about 1 for one distribution). */
  readonly density?: number;
  /** Share of real neighbourhoods holding a fake sample. */
  readonly coverage?: number;
  /** Share of samples classified as the class they were generated as, in [0, 1]. */
  readonly classAccuracy?: number;
  /** Modes of a 2-D toy mixture with enough high-quality samples. */
  readonly modesCovered?: number;
  /** Fraction of 2-D toy samples within 3 standard deviations of their nearest mode. */
  readonly highQualityFraction?: number;
  /** Intra-class FID: the mean over classes of each class's FID. */
  readonly intraFid?: number;
  /** Intra-class KID: the mean over classes of each class's KID. */
  readonly intraKid?: number;
  /** Intra-class precision: the mean over classes of each class's precision. */
  readonly intraPrecision?: number;
  /** Intra-class recall: the mean over classes of each class's recall. */
  readonly intraRecall?: number;
  /** Seconds the evaluation took. */
  readonly seconds: number;
}

/** A {@link metric} callback, with the evaluations of the run so far. */
export interface MetricCallback extends Callback {
  /** Every evaluation of this callback, in order. */
  readonly history: readonly MetricLogs[];
}

/** The plain numbers of an evaluation. */
export function metricLogs(step: number, result: EvaluationResult): MetricLogs {
  return {
    step,
    ...(result.fid !== undefined ? { fid: result.fid } : {}),
    ...(result.kid !== undefined ? { kid: result.kid.mean, kidStd: result.kid.std } : {}),
    ...(result.precision !== undefined ? { precision: result.precision, recall: result.recall } : {}),
    ...(result.density !== undefined ? { density: result.density, coverage: result.coverage } : {}),
    ...(result.classAccuracy !== undefined ? { classAccuracy: result.classAccuracy.accuracy } : {}),
    ...(result.modeCoverage !== undefined
      ? { modesCovered: result.modeCoverage.modesCovered, highQualityFraction: result.modeCoverage.highQualityFraction }
      : {}),
    ...(result.intraFid !== undefined ? { intraFid: result.intraFid.mean } : {}),
    ...(result.intraKid !== undefined ? { intraKid: result.intraKid.mean } : {}),
    ...(result.intraPrecisionRecall !== undefined
      ? { intraPrecision: result.intraPrecisionRecall.precision.mean, intraRecall: result.intraPrecisionRecall.recall.mean }
      : {}),
    seconds: result.seconds,
  };
}

const OPTIONS = Object.freeze(['every', 'metrics', 'real', 'features', 'count', 'realCount', 'seed', 'path', 'atEnd', 'onResult']);

/**
 * Computes sample metrics (FID by default) of the trainer's sampling generator (the EMA one when
 * configured) every `every` steps, from the same latents each time, against the training data (whose
 * features are computed once and cached). Each result goes to `history`, `onResult` and, with `path`,
 * one JSON line in a file, next to the `metricsLog` lines.
 *
 * @param options - see {@link MetricCallbackOptions}.
 * @returns the callback, with its `history`.
 * @throws ConfigError on bad options (checked when created).
 * @example
 * ```ts
 * const fid = callbacks.metric({ every: 500, metrics: ['fid', 'kid'], count: 2000, path: 'runs/mnist/metrics.jsonl' });
 * await trainer.fit(data, { steps: 3000, callbacks: [callbacks.metricsLog({ path: 'runs/mnist/metrics.jsonl' }), fid] });
 * fid.history;   // [{ step: 500, fid: 61.2, kid: 0.052, kidStd: 0.002, seconds: 4.1 }, ...]
 * ```
 */
export function metric(options: MetricCallbackOptions): MetricCallback {
  const owner = 'callbacks.metric';
  checkCallbackOptions(options, OPTIONS, owner);
  const opts = options;
  const every = checkInt(opts.every, 'every', owner, 1);
  const metricNames = opts.metrics ?? ['fid'];
  if (!Array.isArray(metricNames) || metricNames.length === 0 || metricNames.some((m) => !METRIC_NAMES.includes(m))) {
    throw new ConfigError(`${owner}: 'metrics' must be a non-empty list of ${describeValue(METRIC_NAMES)}, received ${describeValue(opts.metrics)}.`);
  }
  const count = checkInt(opts.count ?? 1000, 'count', owner, 1);
  const seed = checkInt(opts.seed ?? 0, 'seed', owner, -Number.MAX_SAFE_INTEGER);
  if (opts.path !== undefined && (typeof opts.path !== 'string' || opts.path.length === 0)) {
    throw new ConfigError(`${owner}: 'path' must be a file path, received ${describeValue(opts.path)}.`);
  }
  if (opts.onResult !== undefined && typeof opts.onResult !== 'function') {
    throw new ConfigError(`${owner}: 'onResult' must be a function, received ${describeValue(opts.onResult)}.`);
  }
  const history: MetricLogs[] = [];
  let lastStep = -1;

  const run = async (context: TrainingContext): Promise<void> => {
    const { trainer, data } = context;
    const step = trainer.step;
    if (step === lastStep) return;
    lastStep = step;
    const features = resolveFeatures(opts.features, data);
    const toy = toyName(data);
    const result = await evaluate({
      real: opts.real ?? data,
      generator: trainer.samplingGenerator,
      count,
      seed,
      metrics: metricNames,
      ...(features !== undefined ? { features } : {}),
      ...(opts.realCount !== undefined ? { realCount: opts.realCount } : {}),
      ...(toy !== undefined && metricNames.includes('mode-coverage') ? { modes: toy } : {}),
    });
    const logs = metricLogs(step, result);
    history.push(logs);
    if (opts.path !== undefined) {
      const fs = await importNodeModule('fs/promises');
      const path = await importNodeModule('path');
      await fs.mkdir(path.dirname(opts.path), { recursive: true });
      await fs.appendFile(opts.path, `${JSON.stringify({ type: 'metrics', ...logs, time: new Date().toISOString() })}\n`);
    }
    await opts.onResult?.(logs);
  };

  return {
    history,
    async onStepEnd(logs: StepLogs, context: TrainingContext) {
      if (logs.step % every === 0) await run(context);
    },
    async onTrainEnd(_history, context: TrainingContext) {
      if ((opts.atEnd ?? true) && context.trainer.step > context.startStep) await run(context);
    },
  };
}

function resolveFeatures(features: FeatureExtractorLike | 'auto' | undefined, data: Dataset): FeatureExtractorLike | undefined {
  if (features !== undefined && features !== 'auto') return features;
  const shipped = /^(mnist|fashion-mnist)(-|$)/.test(data.name) && data.sampleShape.join('x') === '28x28x1';
  return shipped ? forDataset(data.name) : undefined;
}

function toyName(data: Dataset): Toy2dName | undefined {
  const name = data.name.replace(/^toy2d-/, '');
  return (TOY2D_NAMES as readonly string[]).includes(name) ? (name as Toy2dName) : undefined;
}
