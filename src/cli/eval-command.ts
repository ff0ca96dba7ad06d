import {
  BACKEND_NAMES,
  type BackendName,
  ConfigError,
  type Dataset,
  Trainer,
  datasets,
  defaultBackend,
  describeValue,
  io,
  metrics,
  useBackend,
} from '../index.js';
import { type FlagSpec, type ParsedFlags, helpText, parseFlags, wantsHelp } from './args.js';
import { CLI_DATASETS, datasetByName } from './dataset-by-name.js';
import { labelsFlag } from './labels-flag.js';

/** The flags of `tfjs-gan eval`. */
export const EVAL_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  run: { type: 'string', help: 'run directory (a checkpoint written by tfjs-gan train or trainer.save)', default: 'runs/latest' },
  dataset: { type: 'string', choices: CLI_DATASETS, help: `real data: ${CLI_DATASETS.join(' | ')} (default: the run's --dataset)` },
  'data-path': { type: 'string', help: "idx: images file; folder: image directory; fashion-mnist: IDX directory (default: the run's)" },
  'labels-path': { type: 'string', help: "idx: labels file (default: the run's)" },
  count: { type: 'number', integer: true, min: 2, help: 'samples drawn from the generator', default: 5000 },
  'real-count': { type: 'number', integer: true, min: 2, help: 'real samples (the first N of the dataset)', default: 10000 },
  metrics: { type: 'string', help: `metrics separated by commas: ${metrics.METRIC_NAMES.join(' | ')} (default: all that apply)` },
  features: { type: 'string', help: 'feature extractor: mnist | fashion-mnist | emoji | samples (default: the dataset\'s, else samples)' },
  seed: { type: 'number', integer: true, min: 0, help: 'seed of the latents', default: 0 },
  'cache-dir': { type: 'string', help: 'directory of cached real features (default: $TFJS_GAN_CACHE_DIR or the temp dir)' },
  'no-cache': { type: 'boolean', help: 'compute the real features again instead of using the cache' },
  json: { type: 'boolean', help: 'print the result as JSON instead of a table' },
  backend: { type: 'string', choices: BACKEND_NAMES, help: `${BACKEND_NAMES.join(' | ')} (default: fastest available)` },
});

const SUMMARY =
  'Scores a saved run: FID, KID, precision/recall, density/coverage and (conditional runs) class accuracy of its\n' +
  'generator (the EMA weights when the run has them) against the real data; mode coverage for ring and grid.';

/** Runs `tfjs-gan eval`. */
export async function evalCommand(argv: readonly string[], write: (text: string) => void): Promise<void> {
  if (wantsHelp(argv)) {
    write(helpText('eval', SUMMARY, EVAL_FLAGS));
    return;
  }
  const flags = parseFlags(argv, EVAL_FLAGS, 'eval');
  const run = String(flags.run);
  const manifest = await io.readCheckpointManifest(run);
  const saved = (manifest.metadata?.cli ?? {}) as ParsedFlags;
  const datasetName = (flags.dataset ?? saved.dataset) as string | undefined;
  if (datasetName === undefined) {
    throw new ConfigError(`tfjs-gan eval: the run in ${describeValue(run)} does not say what it was trained on; pass --dataset (${CLI_DATASETS.join(' | ')}).`);
  }
  const metricNames = parseMetrics(flags.metrics as string | undefined);
  const count = positiveInt(flags.count, 'count');
  const realCount = positiveInt(flags.realCount, 'real-count');
  await useBackend((flags.backend as BackendName | undefined) ?? (await defaultBackend()));
  const trainer = await Trainer.load(run);
  let data: Dataset | undefined;
  try {
    const generator = trainer.samplingGenerator;
    const labels = labelsFlag(flags.dataset === undefined ? saved.labels : undefined);
    data = await datasetByName({
      dataset: datasetName,
      dataPath: (flags.dataPath ?? (flags.dataset === undefined ? saved.dataPath : undefined)) as string | undefined,
      labelsPath: (flags.labelsPath ?? (flags.dataset === undefined ? saved.labelsPath : undefined)) as string | undefined,
      imageSize: saved.imageSize as number | undefined,
      labels,
    });
    const features = await extractorFor(flags.features as string | undefined, datasetName, data);
    const toy = (datasets.TOY2D_NAMES as readonly string[]).includes(datasetName) ? (datasetName as datasets.Toy2dName) : undefined;
    const applicable = metricNames ?? defaultMetrics(generator.conditional && features?.classify !== undefined, toy !== undefined);
    // A generator of emoji subcategories or extra classes is read by the category classifier as their categories.
    const classMap = !isEmojiClassifier(features)
      ? undefined
      : typeof labels === 'object'
        ? datasets.emojiCategoryIds(data.classNames ?? [], labels)
        : generator.numClasses === datasets.EMOJI_SUBCATEGORIES.length
          ? datasets.EMOJI_SUBCATEGORY_CATEGORY_IDS
          : undefined;
    const byCategory = classMap !== undefined;
    const result = await metrics.evaluate({
      real: data,
      generator,
      count,
      realCount: Math.min(realCount, data.size),
      seed: Number(flags.seed),
      metrics: applicable,
      ...(features ? { features } : {}),
      ...(toy ? { modes: toy } : {}),
      ...(classMap ? { classMap } : {}),
      ...(flags.noCache ? { cache: false as const } : flags.cacheDir !== undefined ? { cache: { dir: String(flags.cacheDir) } } : {}),
    });
    const which = trainer.emaGenerator !== undefined ? 'EMA generator' : 'generator';
    if (flags.json) {
      write(`${JSON.stringify({ run, step: trainer.step, generator: which, dataset: data.name, ...result }, null, 2)}\n`);
    } else {
      write(`${run}: step ${trainer.step}, ${which}, against ${data.name}\n`);
      write(formatTable(result, byCategory ? datasets.EMOJI_CATEGORIES : generator.classNames));
    }
  } finally {
    data?.dispose();
    trainer.generator.dispose();
    trainer.discriminator.dispose();
    trainer.dispose();
  }
}

function positiveInt(value: unknown, flag: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) {
    throw new ConfigError(`tfjs-gan eval: '--${flag}' must be an integer >= 2, received ${describeValue(value)}.`);
  }
  return value;
}

function parseMetrics(value: string | undefined): metrics.MetricName[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(metrics.METRIC_NAMES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigError(`tfjs-gan eval: '--metrics' must list ${metrics.METRIC_NAMES.join(', ')} separated by commas, received ${describeValue(value)}.`);
  }
  return names as metrics.MetricName[];
}

function defaultMetrics(classAccuracy: boolean, toy: boolean): metrics.MetricName[] {
  const names: metrics.MetricName[] = ['fid', 'kid', 'precision-recall', 'density-coverage'];
  if (classAccuracy) names.push('class-accuracy');
  if (toy) names.push('mode-coverage');
  return names;
}

/** Whether an extractor is the shipped emoji classifier (of the 9 categories). */
function isEmojiClassifier(features: metrics.FeatureExtractor | undefined): boolean {
  const record = (features as Partial<metrics.ShippedFeatureExtractor> | undefined)?.record;
  return record?.dataset === 'emoji' && features?.numClasses === datasets.EMOJI_CATEGORIES.length;
}

async function extractorFor(flag: string | undefined, datasetName: string, data: Dataset): Promise<metrics.FeatureExtractor | undefined> {
  if (flag === 'samples') return undefined;
  if (flag !== undefined) {
    if (flag !== 'mnist' && flag !== 'fashion-mnist' && flag !== 'emoji') {
      throw new ConfigError(`tfjs-gan eval: '--features' must be mnist, fashion-mnist, emoji or samples, received ${describeValue(flag)}.`);
    }
    return metrics.features.forDataset(flag);
  }
  if ((datasetName === 'mnist' || datasetName === 'fashion-mnist') && data.sampleShape.join('x') === '28x28x1') return metrics.features.forDataset(datasetName);
  if (datasetName === 'emoji' && data.sampleShape.join('x') === '64x64x3') return metrics.features.emoji();
  return undefined;
}

/** The result as an aligned two-column table. */
export function formatTable(result: metrics.EvaluationResult, classNames?: readonly string[]): string {
  const rows: [string, string][] = [];
  const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
  if (result.fid !== undefined) rows.push(['FID', fixed(result.fid, 3)]);
  if (result.kid !== undefined) rows.push(['KID', `${fixed(result.kid.mean, 5)} ± ${fixed(result.kid.std, 5)}`]);
  if (result.precision !== undefined) rows.push(['precision', fixed(result.precision, 4)], ['recall', fixed(result.recall!, 4)]);
  if (result.density !== undefined) rows.push(['density', fixed(result.density, 4)], ['coverage', fixed(result.coverage!, 4)]);
  if (result.classAccuracy !== undefined) {
    rows.push(['class accuracy', fixed(result.classAccuracy.accuracy, 4)]);
    result.classAccuracy.perClass.forEach((accuracy, k) => rows.push([`  class ${classNames?.[k] ?? k}`, fixed(accuracy, 4)]));
  }
  const intra = (label: string, distance: metrics.IntraClassDistance, digits: number): void => {
    rows.push([label, fixed(distance.mean, digits)]);
    distance.perClass.forEach((value, k) => {
      if (!Number.isNaN(value)) rows.push([`  class ${classNames?.[k] ?? k}`, fixed(value, digits)]);
    });
  };
  if (result.intraFid !== undefined) intra('intra-class FID', result.intraFid, 3);
  if (result.intraKid !== undefined) intra('intra-class KID', result.intraKid, 5);
  if (result.intraPrecisionRecall !== undefined) {
    intra('intra-class precision', result.intraPrecisionRecall.precision, 4);
    intra('intra-class recall', result.intraPrecisionRecall.recall, 4);
  }
  if (result.modeCoverage !== undefined) {
    const m = result.modeCoverage;
    rows.push(['modes covered', `${m.modesCovered} / ${m.numModes}`], ['high quality', fixed(m.highQualityFraction, 4)], ['reverse KL', fixed(m.reverseKL, 4)]);
  }
  rows.push(['samples', `${result.fakeCount} generated, ${result.realCount} real`], ['features', result.extractor], ['seconds', fixed(result.seconds, 1)]);
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return `${rows.map(([name, value]) => `${name.padEnd(width)}${value}`).join('\n')}\n`;
}
