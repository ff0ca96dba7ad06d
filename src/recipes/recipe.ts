/**
 * A recipe: a named, tested configuration (networks, trainer settings, schedule, run length) that
 * trains one kind of data well, as one call: `await recipes.mnist().train()`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { toy2d } from '../data/toy2d.js';
import { ConfigError, describeValue } from '../errors.js';
import { penaltyByName } from '../losses/penalties/penalty-by-name.js';
import { extractorSplit } from '../metrics/extractor-data.js';
import { architectureByName } from '../nets/architectures.js';
import { Discriminator } from '../nets/discriminator.js';
import { Generator } from '../nets/generator.js';
import { withPretrainedFeatures } from '../nets/pretrained-features.js';
import type { Callback } from '../train/callback.js';
import type { TrainingHistory } from '../train/callback.js';
import { learningRateSchedule } from '../train/callbacks/learning-rate-schedule.js';
import { fusedAdam } from '../train/fused-adam.js';
import { Trainer } from '../train/trainer.js';
import { checkKnownOptions, checkOptions, isOptionsObject } from '../util/validate.js';
import { type HeldOutSamples, type HeldOutScore, type HeldOutScoreOptions, heldOutScore } from './held-out-score.js';
import { RECIPE_CONFIG_KEYS, type RecipeConfig, checkRecipeConfig, decayMultiplier } from './recipe-config.js';

/** What a recipe's data must say for its networks to be built. */
export interface RecipeData {
  /** Per-sample shape, e.g. [28, 28, 1]. */
  readonly sampleShape: readonly number[];
  /** Number of classes (conditional recipes need >= 2). */
  readonly numClasses: number;
  /** A name per class. */
  readonly classNames?: readonly string[];
}

/** Options of {@link Recipe.train}. */
export interface RecipeTrainOptions {
  /** The data to train on. @defaultValue {@link Recipe.loadData} (disposed when training ends) */
  readonly data?: Dataset;
  /** Callbacks after the recipe's own (its learning-rate decay), e.g. `callbacks.progress()`. */
  readonly callbacks?: readonly Callback[];
  /** Stops the run after the step in progress when aborted. */
  readonly signal?: AbortSignal;
  /** See {@link RecipeTrainerOptions.pretrainedNetwork}. */
  readonly pretrainedNetwork?: tf.LayersModel;
}

/** Options of {@link Recipe.createTrainer}. */
export interface RecipeTrainerOptions {
  /**
   * A pretrained network of your own for the discriminator's frozen path, in place of the shipped
   * extractor that the config's `pretrainedFeatures.network` names (its `layer`, when set, names the cut;
   * else the network needs a layer named 'features'). It is copied, not changed. Only for a recipe with
   * `pretrainedFeatures`. What {@link withPretrainedFeatures} accepts as a model of your own.
   */
  readonly pretrainedNetwork?: tf.LayersModel;
}

/** What {@link Recipe.train} returns. */
export interface RecipeRun<R extends tf.Rank = tf.Rank> {
  /** The trained trainer: sample `trainer.samplingGenerator`, save it with `trainer.save(url)`. */
  readonly trainer: Trainer<R>;
  /** The steps' logs. */
  readonly history: TrainingHistory;
  /** Wall-clock seconds of the training (data loading and building excluded). */
  readonly seconds: number;
  /** Frees the trainer, both networks and its moving average. */
  dispose(): void;
}

/**
 * A named configuration that trains one kind of data; see the module comment.
 * @typeParam R - the rank of its samples with the batch axis: 4 for images, 2 for 2-D points (the
 *   shipped recipes say which; a recipe from `byName` or a config does not know).
 */
export class Recipe<R extends tf.Rank = tf.Rank> {
  /** The whole configuration, as plain data (JSON-serialisable). */
  readonly config: RecipeConfig;

  /**
   * @param config - a complete {@link RecipeConfig}; start from a shipped one with {@link Recipe.with}.
   * @throws ConfigError naming the first bad field.
   */
  constructor(config: RecipeConfig) {
    checkRecipeConfig(config, 'Recipe');
    this.config = Object.freeze({ ...config });
  }

  /** The recipe's name, e.g. `'mnist'`. */
  get name(): string {
    return this.config.name;
  }

  /**
   * The same recipe with some fields changed, e.g. a longer run or another seed.
   * @throws ConfigError for an unknown field or a bad value.
   * @example
   * ```ts
   * const longer = recipes.mnist().with({ steps: 6000, seed: 3 });
   * ```
   */
  with(changes: Partial<RecipeConfig>): Recipe<R> {
    if (!isOptionsObject(changes)) throw new ConfigError(`Recipe.with: 'changes' must be an object, received ${describeValue(changes)}.`);
    checkKnownOptions(changes, RECIPE_CONFIG_KEYS, 'Recipe.with');
    return new Recipe<R>({ ...this.config, ...changes });
  }

  /**
   * Loads the recipe's training data: MNIST's 8,000 digits that the shipped extractor trained on (the
   * other 2,000 are held out for scoring), Fashion-MNIST's 60,000 training images, the emoji's training
   * split (3,163 images at 64x64, labelled by the recipe's `labels`), or the 8-Gaussian ring.
   * @throws DataError when Fashion-MNIST is not installed (`apt-get install dataset-fashion-mnist`) or the
   *   emoji are not (`npm install emoji-datasource-twitter`).
   */
  async loadData(): Promise<Dataset> {
    const { dataset, labels } = this.config;
    return dataset === 'ring' ? toy2d('ring') : extractorSplit(dataset, 'train', labels === undefined ? {} : { labels });
  }

  /**
   * Builds the recipe's generator, discriminator and trainer for data of this shape and these classes.
   * @throws ConfigError when the data does not fit (a conditional recipe needs classes), or when the
   *   recipe has `pretrainedFeatures` (its weights load asynchronously: use {@link Recipe.createTrainer}).
   */
  buildTrainer(data: RecipeData): Trainer<R> {
    if (this.config.pretrainedFeatures !== undefined) {
      throw new ConfigError(
        `recipes.${this.name}.buildTrainer: the recipe has 'pretrainedFeatures' ${describeValue(this.config.pretrainedFeatures)}, whose weights load asynchronously; use 'await recipe.createTrainer(data)'.`,
      );
    }
    const { generator, discriminator } = this.buildNetworks(data);
    return this.trainerFor(generator, discriminator);
  }

  /**
   * Builds the recipe's trainer as {@link Recipe.buildTrainer} does, for any recipe: with
   * `pretrainedFeatures`, the discriminator gets its frozen pretrained path
   * ({@link withPretrainedFeatures}) first: from the shipped extractor the config names, or from
   * `options.pretrainedNetwork`.
   * @throws ConfigError when the data does not fit, or for a `pretrainedNetwork` that is not a
   *   `tf.LayersModel` or is given to a recipe without `pretrainedFeatures`.
   */
  async createTrainer(data: RecipeData, options?: RecipeTrainerOptions): Promise<Trainer<R>> {
    const owner = `recipes.${this.name}.createTrainer`;
    const { pretrainedNetwork } = checkOptions(options, ['pretrainedNetwork'], owner);
    const features = this.config.pretrainedFeatures;
    if (pretrainedNetwork !== undefined) {
      if (features === undefined) {
        throw new ConfigError(`${owner}: 'pretrainedNetwork' replaces the network of the config's 'pretrainedFeatures', but this recipe has none; set 'pretrainedFeatures' in its config.`);
      }
      if (!(pretrainedNetwork instanceof tf.LayersModel)) {
        throw new ConfigError(`${owner}: 'pretrainedNetwork' must be a tf.LayersModel, received ${describeValue(pretrainedNetwork)}.`);
      }
    }
    const { generator, discriminator: own } = this.buildNetworks(data);
    let discriminator = own;
    try {
      if (features !== undefined) {
        // A model of your own is cut at the config's layer, else at 'features' (the shipped extractors' name).
        const layer = features.layer ?? (pretrainedNetwork !== undefined ? 'features' : undefined);
        discriminator = await withPretrainedFeatures(own, pretrainedNetwork ?? features.network, {
          ...(layer !== undefined ? { layer } : {}),
          seed: this.config.seed + 3,
        });
      }
    } catch (error) {
      generator.dispose();
      own.dispose();
      throw error;
    }
    return this.trainerFor(generator, discriminator);
  }

  /** The recipe's two networks; on an error building the discriminator the generator is disposed. */
  private buildNetworks(data: RecipeData): { generator: Generator<R>; discriminator: Discriminator } {
    const owner = `recipes.${this.name}`;
    const c = this.config;
    const numClasses = c.conditional ? data.numClasses : 0;
    if (c.conditional && !(numClasses >= 2)) {
      throw new ConfigError(`${owner}: a conditional recipe needs data with classes, received numClasses ${describeValue(data.numClasses)}.`);
    }
    // The family maps the data to its builders' options (shape, classes, seeds: `seed` and `seed + 1`),
    // as `buildNetworks` does; the recipe's own options go on top.
    // The discriminator may come from another family (`discriminatorArchitecture`).
    const family = architectureByName(c.architecture, owner);
    const discriminatorFamily = c.discriminatorArchitecture === undefined ? family : architectureByName(c.discriminatorArchitecture, owner);
    const dataOptions = {
      sampleShape: data.sampleShape,
      numClasses,
      ...(numClasses > 0 && data.classNames ? { classNames: data.classNames } : {}),
      seed: c.seed,
    };
    const options = family.options(dataOptions);
    const built = family.generator({ ...options.generator, ...c.generator });
    const generator = new Generator<R>(built.model, built.spec);
    try {
      const { model, spec } = discriminatorFamily.discriminator({ ...discriminatorFamily.options(dataOptions).discriminator, ...c.discriminator });
      return { generator, discriminator: new Discriminator(model, spec) };
    } catch (error) {
      generator.dispose();
      throw error;
    }
  }

  /** The recipe's trainer around its networks; on an error both are disposed. */
  private trainerFor(generator: Generator<R>, discriminator: Discriminator): Trainer<R> {
    const c = this.config;
    try {
      return new Trainer({
        generator,
        discriminator,
        loss: c.loss,
        penalties: c.penalties.map((p) => penaltyByName(p.name, p.options ?? {})),
        generatorOptimizer: fusedAdam(c.generatorLearningRate, c.beta1, c.beta2),
        discriminatorOptimizer: fusedAdam(c.discriminatorLearningRate, c.beta1, c.beta2),
        discriminatorSteps: c.discriminatorSteps,
        ...(c.sampling !== undefined ? { sampling: c.sampling } : {}),
        ...(c.fakeLabels !== undefined ? { fakeLabels: c.fakeLabels } : {}),
        ...(c.auxiliaryClassifierBatches !== undefined ? { auxiliaryClassifierBatches: c.auxiliaryClassifierBatches } : {}),
        ...(c.auxiliaryClassifierWeight !== undefined ? { auxiliaryClassifierWeight: c.auxiliaryClassifierWeight } : {}),
        ...(c.modeSeeking !== undefined ? { modeSeeking: { ...c.modeSeeking } } : {}),
        ...(c.conditioningTransition !== undefined ? { conditioningTransition: { ...c.conditioningTransition } } : {}),
        ema: c.emaDecay === false ? false : { decay: c.emaDecay, startStep: c.emaStart },
        augment: c.augment,
        ...(c.augmentDraws !== undefined ? { augmentDraws: c.augmentDraws } : {}),
        seed: c.seed + 2,
      });
    } catch (error) {
      generator.dispose();
      discriminator.dispose();
      throw error;
    }
  }

  /**
   * The callbacks the recipe's schedule needs: its learning-rate decay over `config.steps` steps (none
   * for constant rates). Give them to `fit` before your own.
   */
  callbacks(): Callback[] {
    const { learningRateDecay: decay, steps } = this.config;
    if (decay.kind === 'none') return [];
    return [learningRateSchedule({ schedule: (step) => decayMultiplier(decay, step, steps) })];
  }

  /**
   * Trains the recipe in one call: loads its data (unless given), builds the trainer and fits it for
   * `config.steps` steps with the recipe's schedule.
   * @returns the trained trainer and the history; dispose the run when done.
   * @example
   * ```ts
   * const run = await recipes.mnist().train({ callbacks: [callbacks.progress()] });
   * await io.saveImageGrid(run.trainer.samplingGenerator.sample({ count: 8, labels: 'all' }), 'digits.png', { columns: 8 });
   * run.dispose();
   * ```
   */
  async train(options?: RecipeTrainOptions): Promise<RecipeRun<R>> {
    const o = checkOptions(options, ['data', 'callbacks', 'signal', 'pretrainedNetwork'], `recipes.${this.name}.train`);
    const data = o.data ?? (await this.loadData());
    try {
      const trainer = await this.createTrainer(data, o.pretrainedNetwork !== undefined ? { pretrainedNetwork: o.pretrainedNetwork } : undefined);
      const dispose = (): void => {
        trainer.generator.dispose();
        trainer.discriminator.dispose();
        trainer.dispose();
      };
      try {
        const started = Date.now();
        const history = await trainer.fit(data, {
          steps: this.config.steps,
          batchSize: this.config.batchSize,
          callbacks: [...this.callbacks(), ...(o.callbacks ?? [])],
          ...(o.signal ? { signal: o.signal } : {}),
        });
        return { trainer, history, seconds: (Date.now() - started) / 1000, dispose };
      } catch (error) {
        dispose();
        throw error;
      }
    } finally {
      if (o.data === undefined) data.dispose();
    }
  }

  /**
   * Scores a generator trained by this recipe, or samples made elsewhere, against held-out real data
   * ({@link heldOutScore} for the recipe's dataset, and its `labels` for the emoji).
   */
  score(source: Generator | HeldOutSamples, options?: HeldOutScoreOptions): Promise<HeldOutScore> {
    const { dataset, labels } = this.config;
    return heldOutScore(dataset, source, labels === undefined || (options !== undefined && 'labels' in options) ? options : { ...options, labels });
  }
}
