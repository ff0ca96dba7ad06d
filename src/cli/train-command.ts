import * as tf from '@tensorflow/tfjs';
import {
  ARCHITECTURE_NAMES,
  type BackendName,
  type Callback,
  ConfigError,
  DISCRIMINATOR_CONDITIONINGS,
  DataError,
  type DiscriminatorConditioning,
  GENERATOR_CONDITIONINGS,
  type GeneratorConditioning,
  Trainer,
  buildNetworks,
  callbacks as trainingCallbacks,
  defaultBackend,
  describeValue,
  io,
  losses,
  recipes,
  useBackend,
} from '../index.js';
import { type FlagSpec, type ParsedFlags, givenFlags, helpText, parseFlags } from './args.js';
import { RESUME_INVOCATION_FLAGS, type ResumePlan, planResume } from './resume-flags.js';
import { existingRunError, previousRun, removePreviousRun } from './run-directory.js';
import { CLI_DATASETS, datasetByName } from './dataset-by-name.js';
import { recipeFromFlags, recipeSettings } from './recipe-flags.js';

/** The flags of `tfjs-gan train`; each maps to the library option of the same name in camelCase. */
export const TRAIN_FLAGS: Readonly<Record<string, FlagSpec>> = Object.freeze({
  recipe: {
    type: 'string',
    help: `a shipped recipe: ${recipes.RECIPE_NAMES.join(' | ')}; it sets the data, networks, loss, optimizers, schedule, steps and batch size (--steps, --batch-size and --seed change them)`,
  },
  dataset: { type: 'string', help: `training data: ${CLI_DATASETS.join(' | ')}`, default: 'mnist' },
  'data-path': { type: 'string', help: 'idx: images file; folder: image directory; fashion-mnist: IDX directory' },
  'labels-path': { type: 'string', help: 'idx: labels file' },
  count: { type: 'number', help: 'use only the first N samples of the dataset' },
  'image-size': { type: 'number', help: 'folder: resize images to N x N; oxygen-icons: their size (default 32)' },
  arch: { type: 'string', help: `network family: ${ARCHITECTURE_NAMES.join(' | ')}`, default: 'dcgan' },
  conditional: { type: 'boolean', help: 'class-conditional networks (the dataset must have labels)' },
  conditioning: {
    type: 'string',
    help: 'with --conditional (implied): concat | cbn | projection | acgan, or generator+discriminator such as cbn+projection; a single kind sets the network that has it, the other uses concat',
  },
  'auxiliary-classifier-weight': { type: 'number', help: 'weight of the ACGAN classification loss (with --conditioning acgan)', default: 1 },
  'latent-dim': { type: 'number', help: 'size of the latent vector (default: the builder default)' },
  width: { type: 'number', help: 'dcgan: filters of the widest-resolution layer; resnet, style: filters at the image resolution' },
  loss: { type: 'string', help: `adversarial loss: ${losses.LOSS_NAMES.join(' | ')}`, default: 'non-saturating' },
  steps: { type: 'number', help: 'generator steps to train', default: 1000 },
  epochs: { type: 'number', help: 'passes over the data (instead of --steps)' },
  'batch-size': { type: 'number', help: 'batch size', default: 64 },
  'generator-learning-rate': { type: 'number', help: 'Adam learning rate of the generator', default: 2e-4 },
  'discriminator-learning-rate': { type: 'number', help: 'Adam learning rate of the discriminator', default: 2e-4 },
  'discriminator-steps': { type: 'number', help: 'discriminator steps per generator step', default: 1 },
  seed: { type: 'number', help: 'seed of the run (weights, batches, latents)', default: 42 },
  out: { type: 'string', help: 'run directory: checkpoint, samples/, metrics.jsonl', default: 'runs/latest' },
  resume: {
    type: 'boolean',
    help: 'continue the run saved in --out for --steps more steps; it keeps its data, networks, loss and seed (flags that differ are refused), and may change --batch-size, the learning rates, --sample-every and --checkpoint-every',
  },
  force: { type: 'boolean', help: 'start a new run even if --out holds one: first deletes its checkpoint (gan.json, weights), metrics.jsonl and samples/' },
  backend: { type: 'string', help: 'cpu | wasm | webgl | webgpu | tensorflow (default: fastest available)' },
  'sample-every': { type: 'number', help: 'write a sample grid every N steps', default: 100 },
  'checkpoint-every': { type: 'number', help: 'save a checkpoint every N steps', default: 500 },
});

const SUMMARY = 'Trains a GAN and writes checkpoints, sample grids and a metrics log to --out.';

/** The exit code of a run stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Runs `tfjs-gan train`.
 * @returns the exit code: 0 when the run trained all its steps, {@link INTERRUPTED_EXIT_CODE} when
 *   Ctrl-C stopped it (after saving).
 */
export async function trainCommand(argv: readonly string[], write: (text: string) => void): Promise<number> {
  if (argv.includes('--help')) {
    write(helpText('train', SUMMARY, TRAIN_FLAGS));
    return 0;
  }
  const flags = parseFlags(argv, TRAIN_FLAGS, 'train');
  const given = givenFlags(argv, TRAIN_FLAGS, 'train');
  const out = String(flags.out);
  if (flags.resume && flags.force) {
    throw new ConfigError(`tfjs-gan train: give --resume (continue the run in --out) or --force (delete it and start over), not both.`);
  }
  // Refuse before loading anything: a new run never mixes with, or silently replaces, a previous one.
  const previous = flags.resume ? undefined : await previousRun(out);
  if (previous !== undefined && !flags.force) throw existingRunError(previous);
  const backend = await useBackend((flags.backend as BackendName | undefined) ?? (await defaultBackend()));
  let trainer: Trainer;
  let settings: ParsedFlags = flags;
  const extraCallbacks: Callback[] = [];
  // A recipe run: the recipe's settings replace the flags' defaults (checked before anything loads).
  let recipe = !flags.resume && flags.recipe !== undefined ? recipeFromFlags(given) : undefined;
  if (recipe !== undefined) settings = { ...flags, ...recipeSettings(recipe) };
  if (flags.resume) {
    const manifest = await io.readCheckpointManifest(out);
    const savedRecipe = manifest.metadata?.recipe;
    recipe = savedRecipe === undefined ? undefined : new recipes.Recipe(savedRecipe as unknown as recipes.RecipeConfig);
    trainer = await Trainer.load(out);
    const rates = { generatorLearningRate: learningRateOf(trainer.generatorOptimizer), discriminatorLearningRate: learningRateOf(trainer.discriminatorOptimizer) };
    let plan: ResumePlan;
    try {
      plan = planResume(given, flags, manifest.metadata?.cli as ParsedFlags | undefined, rates, out);
    } catch (error) {
      disposeTrainer(trainer);
      throw error;
    }
    settings = plan.settings;
    write(`resuming ${out} at step ${trainer.step} on ${backend}\n`);
    if (plan.changes.length > 0) write(`--resume: applying ${plan.changes.join(', ')}\n`);
    // New learning rates go through the library's schedule callback (set when the fit begins, saved
    // with the optimizers in the next checkpoint).
    const generator = settings.generatorLearningRate as number | undefined;
    const discriminator = settings.discriminatorLearningRate as number | undefined;
    if (generator !== rates.generatorLearningRate || discriminator !== rates.discriminatorLearningRate) {
      extraCallbacks.push(trainingCallbacks.learningRateSchedule({ schedule: () => 1, baseRates: { generator: generator!, discriminator: discriminator! } }));
    }
  } else {
    trainer = undefined as unknown as Trainer;
  }
  // A recipe's schedule (its learning-rate decay) continues where a resumed run left off.
  if (recipe !== undefined) extraCallbacks.unshift(...recipe.callbacks());
  const data = recipe !== undefined ? await recipe.loadData() : await datasetByName({
    dataset: String(settings.dataset),
    dataPath: settings.dataPath as string | undefined,
    labelsPath: settings.labelsPath as string | undefined,
    count: settings.count as number | undefined,
    imageSize: settings.imageSize as number | undefined,
  });
  if (!flags.resume) {
    const conditional = Boolean(settings.conditional) || settings.conditioning !== undefined;
    if (conditional && data.labels === undefined) {
      throw new DataError(
        `tfjs-gan train: --conditional needs a dataset with labels, but ${describeValue(data.name)} has none. Expected --dataset mnist or fashion-mnist, or idx with --labels-path.`,
      );
    }
    trainer = recipe !== undefined ? recipe.buildTrainer(data) : buildTrainer(settings, data.sampleShape, conditional ? data.numClasses : 0, data.classNames);
    if (previous !== undefined) write(await removePreviousRun(previous));
    write(`training ${recipe !== undefined ? `recipe ${recipe.name}: ` : ''}${settings.arch} on ${data.name} (${data.size} samples, ${describeValue(data.sampleShape)}) on ${backend}\n`);
  }
  const image = data.sampleShape.length === 3;
  const cli = Object.fromEntries(Object.entries(settings).filter(([k]) => !RESUME_INVOCATION_FLAGS.includes(k)));
  const callbacks: Callback[] = [
    ...extraCallbacks,
    trainingCallbacks.progress(),
    trainingCallbacks.metricsLog({ path: `${out}/metrics.jsonl` }),
    trainingCallbacks.checkpoint({
      every: Number(settings.checkpointEvery),
      dir: out,
      metadata: { cli, ...(recipe !== undefined ? { recipe: { ...recipe.config } } : {}) },
    }),
  ];
  if (image) callbacks.push(trainingCallbacks.sampleGrid({ every: Number(settings.sampleEvery), dir: `${out}/samples` }));
  const controller = new AbortController();
  const onSignal = (): void => {
    write(`\ninterrupted: stopping after the current step and saving ${out} (Ctrl-C again quits without saving)\n`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  let interrupted = false;
  try {
    const history = await trainer.fit(data, {
      steps: settings.epochs === undefined ? Number(settings.steps) : undefined,
      epochs: settings.epochs as number | undefined,
      batchSize: Number(settings.batchSize),
      signal: controller.signal,
      callbacks,
    });
    interrupted = history.aborted;
  } finally {
    process.off('SIGINT', onSignal);
  }
  write(`saved ${out} at step ${trainer.step}${image ? `; samples in ${out}/samples` : ''}\n`);
  if (interrupted) write(`interrupted at step ${trainer.step}: continue with tfjs-gan train --resume --out ${out}\n`);
  disposeTrainer(trainer);
  data.dispose();
  tf.disposeVariables();
  return interrupted ? INTERRUPTED_EXIT_CODE : 0;
}

/** The learning rate an optimizer of the checkpoint uses now. */
function learningRateOf(optimizer: tf.Optimizer): number | undefined {
  const rate = optimizer.getConfig().learningRate;
  return typeof rate === 'number' ? rate : undefined;
}

function disposeTrainer(trainer: Trainer): void {
  trainer.generator.dispose();
  trainer.discriminator.dispose();
  trainer.dispose();
}

function buildTrainer(flags: ParsedFlags, sampleShape: readonly number[], numClasses: number, classNames?: readonly string[]): Trainer {
  const seed = Number(flags.seed);
  const latentDim = flags.latentDim as number | undefined;
  const width = flags.width as number | undefined;
  const conditioning = parseConditioning(flags.conditioning as string | undefined);
  const arch = String(flags.arch);
  if (!(ARCHITECTURE_NAMES as readonly string[]).includes(arch)) {
    throw new ConfigError(`tfjs-gan train: '--arch' must be one of ${describeValue(ARCHITECTURE_NAMES)}, received ${describeValue(flags.arch)}.`);
  }
  // A latent size or width of 0 means the builder's default, as before the flags reached the registry.
  const { generator, discriminator } = buildNetworks(arch, {
    sampleShape,
    numClasses,
    ...(numClasses > 0 && classNames ? { classNames } : {}),
    ...(numClasses > 0 ? { generatorConditioning: conditioning.generator, discriminatorConditioning: conditioning.discriminator } : {}),
    ...(latentDim ? { latentDim } : {}),
    ...(width ? { width } : {}),
    seed,
  });
  return new Trainer({
    generator,
    discriminator,
    loss: String(flags.loss),
    generatorLearningRate: Number(flags.generatorLearningRate),
    discriminatorLearningRate: Number(flags.discriminatorLearningRate),
    discriminatorSteps: Number(flags.discriminatorSteps),
    auxiliaryClassifierWeight: Number(flags.auxiliaryClassifierWeight ?? 1),
    seed,
  });
}

/**
 * `--conditioning`: one kind sets the network that has it (cbn: the generator; projection, acgan: the
 * discriminator; concat: both), the other network uses concat; `g+d` sets both, e.g. `cbn+projection`.
 * @throws ConfigError for an unknown kind, naming the valid ones.
 */
export function parseConditioning(value: string | undefined): { generator: GeneratorConditioning; discriminator: DiscriminatorConditioning } {
  if (value === undefined) return { generator: 'concat', discriminator: 'concat' };
  const isG = (v: string): v is GeneratorConditioning => (GENERATOR_CONDITIONINGS as readonly string[]).includes(v);
  const isD = (v: string): v is DiscriminatorConditioning => (DISCRIMINATOR_CONDITIONINGS as readonly string[]).includes(v);
  const parts = value.split('+').map((part) => part.trim());
  if (parts.length === 2 && isG(parts[0]) && isD(parts[1])) return { generator: parts[0], discriminator: parts[1] };
  if (parts.length === 1) {
    const [kind] = parts;
    if (isG(kind) || isD(kind)) return { generator: isG(kind) ? kind : 'concat', discriminator: isD(kind) ? kind : 'concat' };
  }
  throw new ConfigError(
    `tfjs-gan train: '--conditioning' must be one of ${describeValue([...new Set([...GENERATOR_CONDITIONINGS, ...DISCRIMINATOR_CONDITIONINGS])])} or generator+discriminator (generator: ${GENERATOR_CONDITIONINGS.join(' | ')}; discriminator: ${DISCRIMINATOR_CONDITIONINGS.join(' | ')}), received ${describeValue(value)}.`,
  );
}
