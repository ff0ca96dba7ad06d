import * as tf from '@tensorflow/tfjs';
import {
  type BackendName,
  type Callback,
  ConfigError,
  DataError,
  Trainer,
  type datasets,
  callbacks as trainingCallbacks,
  defaultBackend,
  describeValue,
  io,
  recipes,
  useBackend,
} from '../index.js';
import { type ParsedFlags, givenFlags, helpText, parseFlags, wantsHelp } from './args.js';
import { RESUME_INVOCATION_FLAGS, type ResumePlan, planResume } from './resume-flags.js';
import { existingRunError, previousRun, removePreviousRun } from './run-directory.js';
import { datasetByName } from './dataset-by-name.js';
import { labelsFlag } from './labels-flag.js';
import { readRunConfig, writeRunConfig } from './run-config.js';
import { TRAIN_FLAGS } from './train-flags.js';
import { recipeFromFlags, recipeSettings } from './recipe-flags.js';
import { buildTrainer, checkTrainingFlags, learningRateDecay, learningRateOf, resolvedSettings } from './train-settings.js';

export { parseConditioning } from './train-settings.js';

export { TRAIN_FLAGS } from './train-flags.js';

const SUMMARY = 'Trains a GAN and writes checkpoints, sample grids and a metrics log to --out.';

/** The exit code of a run stopped by Ctrl-C (SIGINT): 128 + 2, as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Runs `tfjs-gan train`.
 * @returns the exit code: 0 when the run trained all its steps, {@link INTERRUPTED_EXIT_CODE} when
 *   Ctrl-C stopped it (after saving).
 */
export async function trainCommand(argv: readonly string[], write: (text: string) => void): Promise<number> {
  if (wantsHelp(argv)) {
    write(helpText('train', SUMMARY, TRAIN_FLAGS));
    return 0;
  }
  // Flags given on the command line change a --config file's settings, which change the defaults.
  const commandLine = givenFlags(argv, TRAIN_FLAGS, 'train');
  const fromConfig = commandLine.config === undefined ? {} : await readRunConfig(String(commandLine.config), TRAIN_FLAGS);
  const given: ParsedFlags = { ...fromConfig, ...commandLine };
  const flags: ParsedFlags = { ...parseFlags([], TRAIN_FLAGS, 'train'), ...given };
  if (!flags.resume && flags.recipe === undefined) checkTrainingFlags(flags);
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
    // with the optimizers in the next checkpoint). A decaying schedule continues from the run's base
    // rates (those it was created with, unless new ones are given).
    const saved = manifest.metadata?.cli as ParsedFlags | undefined;
    const generator = settings.generatorLearningRate as number | undefined;
    const discriminator = settings.discriminatorLearningRate as number | undefined;
    if (settings.lrDecay === 'linear') {
      // The settings keep the base rates (the optimizers hold decayed ones), so config.json repeats the run.
      const base = (name: 'generatorLearningRate' | 'discriminatorLearningRate'): number => Number(given[name] ?? saved?.[name] ?? rates[name]);
      settings = { ...settings, generatorLearningRate: base('generatorLearningRate'), discriminatorLearningRate: base('discriminatorLearningRate') };
      extraCallbacks.push(...learningRateDecay(settings, { generator: base('generatorLearningRate'), discriminator: base('discriminatorLearningRate') }));
    } else if (generator !== rates.generatorLearningRate || discriminator !== rates.discriminatorLearningRate) {
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
    labels: labelsFlag(settings.labels),
  });
  if (!flags.resume) {
    const conditional = Boolean(settings.conditional) || settings.conditioning !== undefined;
    if (conditional && data.labels === undefined) {
      throw new DataError(
        `tfjs-gan train: --conditional needs a dataset with labels, but ${describeValue(data.name)} has none. Expected --dataset mnist, fashion-mnist or emoji, or idx with --labels-path.`,
      );
    }
    if (recipe !== undefined) {
      trainer = await recipe.createTrainer(data);
    } else {
      trainer = buildTrainer(settings, data.sampleShape, conditional ? data.numClasses : 0, data.classNames);
      // The data kind's defaults made explicit, so that config.json repeats the run exactly.
      settings = resolvedSettings(settings, trainer);
      const rates = { generator: Number(settings.generatorLearningRate), discriminator: Number(settings.discriminatorLearningRate) };
      extraCallbacks.push(...learningRateDecay(settings, rates));
    }
    if (previous !== undefined) write(await removePreviousRun(previous));
    write(`training ${recipe !== undefined ? `recipe ${recipe.name}: ` : ''}${settings.arch} on ${data.name} (${data.size} samples, ${describeValue(data.sampleShape)}) on ${backend}\n`);
  }
  const image = data.sampleShape.length === 3;
  const cli = Object.fromEntries(Object.entries(settings).filter(([k, v]) => !RESUME_INVOCATION_FLAGS.includes(k) && v !== undefined));
  // config.json: what repeats this run (a recipe run: the recipe and what changed it).
  const recipeKeys = ['recipe', 'steps', 'batchSize', 'seed', 'labels', 'sampleEvery', 'checkpointEvery'];
  await writeRunConfig(out, recipe !== undefined ? Object.fromEntries(recipeKeys.map((k) => [k, settings[k]])) : settings);
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
      ...(settings.batchSize !== undefined ? { batchSize: Number(settings.batchSize) } : {}),
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

function disposeTrainer(trainer: Trainer): void {
  trainer.generator.dispose();
  trainer.discriminator.dispose();
  trainer.dispose();
}
