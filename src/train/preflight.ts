/**
 * The preflight: before training, one tiny dry run of a training step checks that the active
 * backend has every kernel (and tfjs every gradient, gradients of gradients included) that the networks,
 * the loss and the penalties need, so that a missing one fails at once with a message that names it,
 * the part that needs it and the backends that have it, rather than mid-run with a tfjs message.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import type { GanLoss } from '../losses/gan-loss.js';
import type { Penalty } from '../losses/penalty.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import { releaseAbandonedTape } from '../backend/gradients/abandoned-tape.js';
import { registerSecondOrderGradients } from '../backend/gradients/index.js';
import { type InputAugmentation, discriminatorObjective, generatorObjective, monitorTensors } from './objectives.js';
import type { PathLengthRegularizer } from './path-length.js';
import type { ModeSeekingRegularizer } from './mode-seeking.js';
import { type Part, type Stage, explain } from './preflight-errors.js';

/** What {@link preflight} checks: the parts of a training run, as the Trainer holds them. */
export interface PreflightParts {
  /** The generator, run in training mode. */
  readonly generator: Generator;
  /** The discriminator, run in training mode on real and fake batches. */
  readonly discriminator: Discriminator;
  /** The adversarial loss (already resolved from its name). */
  readonly loss: GanLoss;
  /** The penalties added to the discriminator loss; each may take gradients of gradients. @defaultValue [] */
  readonly penalties?: readonly Penalty[];
  /**
   * The Trainer's augmentation of the discriminator's inputs (DiffAugment), if any: it gets a batch and a
   * seed and returns the augmented batch, differentiably. Pass the same function object on every call
   * (make it once, e.g. in the Trainer's constructor): successes are remembered per object.
   */
  readonly augment?: InputAugmentation;
  /**
   * The path length regularizer of a style-based generator (`TrainerConfig.pathLength`), if any: the
   * dry run's generator step includes its penalty, which takes gradients of gradients. @defaultValue none
   */
  readonly pathLength?: PathLengthRegularizer;
  /** The mode-seeking regularizer (`TrainerConfig.modeSeeking`), if any: in the dry run's generator step. @defaultValue none */
  readonly modeSeeking?: ModeSeekingRegularizer;
  /** Weight of an ACGAN discriminator's class cross-entropy. @defaultValue 1 */
  readonly auxiliaryClassifierWeight?: number;
}

/** Samples per dry-run batch (times the discriminator's packing). */
const DRY_RUN_BATCH = 2;

/** Steps tried for a penalty that skips step 0 (lazy regularisation) before giving up on checking it. */
const PENALTY_STEPS_TRIED = 64;

/** Results that passed, per backend and objects checked. */
const passed = new Set<string>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

function objectId(value: object): number {
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}

function cacheKey(backendName: string, parts: PreflightParts): string {
  const ids = [parts.generator.model, parts.discriminator.model, parts.loss, ...(parts.penalties ?? [])].map(objectId);
  if (parts.augment !== undefined) ids.push(objectId(parts.augment));
  if (parts.pathLength !== undefined) ids.push(objectId(parts.pathLength));
  if (parts.modeSeeking !== undefined) ids.push(objectId(parts.modeSeeking));
  return `${backendName}|${ids.join(',')}`;
}

/** Forgets every successful preflight, so the next call dry-runs again (after kernels or gradients change). */
export function clearPreflightCache(): void {
  passed.clear();
}

/**
 * Checks, before training, that the active backend has everything the configured networks, loss and
 * penalties need, by running one tiny training step (batch 2, random inputs, labels when conditional)
 * with the Trainer's own objectives (see objectives.ts): the generator forward in training mode, the
 * discriminator's objective (loss, ACGAN cross-entropy, every penalty: gradients of gradients) inside
 * `tf.variableGrads` over the discriminator's variables, and the generator's objective (loss, path length
 * regularisation when configured: gradients of gradients) over the generator's variables. Nothing changes: no gradient is applied, and the non-trainable weights
 * that training-mode calls update (batch-norm moving statistics) are restored; every tensor is freed.
 * It also registers tfjs-gan's gradients of gradients (see `registerSecondOrderGradients`). A success is
 * remembered per backend and objects checked, so a second `fit` pays nothing.
 *
 * @param parts - the generator, discriminator, loss, penalties, augmentation and path length regularizer of the run.
 * @throws {@link BackendError} naming the missing kernel (and the registered backends that have it) or
 *   the missing gradient, the part that needs it (generator, discriminator, loss, penalty, path length
 *   regularisation or augmentation) and what needs it. Errors that are not about a missing kernel or gradient (a bad
 *   configuration) are rethrown unchanged.
 * @example
 * ```ts
 * await useBackend('wasm');
 * await preflight({ generator, discriminator, loss: losses.hinge(), penalties: [penalties.r1()] });
 * ```
 */
export async function preflight(parts: PreflightParts): Promise<void> {
  await tf.ready();
  registerSecondOrderGradients();
  const backendName = tf.getBackend();
  const key = cacheKey(backendName, parts);
  if (passed.has(key)) return;
  const run = new DryRun(parts);
  try {
    const failure = run.trainingStep();
    if (failure !== undefined) {
      const blamed = run.diagnose() ?? { stage: run.wholeStep(), error: failure };
      throw explain(blamed.stage, blamed.error, backendName);
    }
  } finally {
    run.dispose();
  }
  passed.add(key);
}

/** The inputs, state snapshot and stages of one dry run. */
class DryRun {
  private readonly generator: Generator;
  private readonly discriminator: Discriminator;
  private readonly loss: GanLoss;
  private readonly penalties: readonly Penalty[];
  private readonly augment: InputAugmentation | undefined;
  /** The path length regularizer when it ever applies (weight > 0; then it is due at step 0). */
  private readonly pathLength: PathLengthRegularizer | undefined;
  private readonly modeSeeking: ModeSeekingRegularizer | undefined;
  private readonly auxiliaryClassifierWeight: number;
  private readonly latents: tf.Tensor;
  private readonly realSamples: tf.Tensor;
  private readonly labels: tf.Tensor1D | undefined;
  private fakeSamples: tf.Tensor | undefined;
  private readonly snapshot: Array<{ variable: tf.Variable; value: tf.Tensor }>;
  private readonly parts: Readonly<Record<'generator' | 'discriminator' | 'loss' | 'augmentation' | 'pathLength', Part>>;

  constructor(parts: PreflightParts) {
    this.generator = parts.generator;
    this.discriminator = parts.discriminator;
    this.loss = parts.loss;
    this.penalties = parts.penalties ?? [];
    this.augment = parts.augment;
    this.pathLength = parts.pathLength?.due(0) === true ? parts.pathLength : undefined;
    this.modeSeeking = parts.modeSeeking;
    this.auxiliaryClassifierWeight = parts.auxiliaryClassifierWeight ?? 1;
    const packing = Math.max(1, this.discriminator.packing ?? 1), batch = DRY_RUN_BATCH * packing;
    const numClasses = Math.max(this.generator.numClasses, this.discriminator.numClasses);
    // Every weight, trainable or not, as a clone that shares its data until the variable is assigned.
    const variables = [...this.generator.model.weights, ...this.discriminator.model.weights].map(
      (weight) => weight.read() as tf.Variable,
    );
    this.snapshot = variables.map((variable) => ({ variable, value: tf.clone(variable) }));
    this.latents = tf.randomNormal([batch, this.generator.latentDim], 0, 1, 'float32', 1);
    this.realSamples = tf.randomUniform([batch, ...this.discriminator.inputShape], -1, 1, 'float32', 2);
    const group = this.discriminator.conditional ? packing : 1; // a packing one judges groups of one class
    this.labels = numClasses > 0 ? tf.tensor1d(Array.from({ length: batch }, (_, i) => Math.floor(i / group) % numClasses), 'int32') : undefined;
    this.parts = {
      generator: { kind: 'generator', label: `generator (model '${this.generator.model.name}')` },
      discriminator: { kind: 'discriminator', label: `discriminator (model '${this.discriminator.model.name}')` },
      loss: { kind: 'loss', label: `loss '${this.loss.name}'` },
      augmentation: { kind: 'augmentation', label: 'augmentation of the discriminator inputs' },
      pathLength: { kind: 'regularizer', label: 'path length regularisation' },
    };
  }

  /** Runs the whole step as the Trainer does; returns the error, or undefined when it passes. */
  trainingStep(): unknown {
    return attempt(() => this.wholeStep().run());
  }

  /** The whole step as one stage (blamed when no smaller stage fails on its own). */
  wholeStep(): Stage {
    return {
      part: { kind: 'loss', label: 'training step' },
      needs: 'a training step',
      secondOrder: this.penalties.length > 0 || this.pathLength !== undefined,
      run: () => {
        this.fake();
        this.discriminatorStep(this.penalties);
        this.generatorStep(this.pathLength);
      },
    };
  }

  /**
   * Runs the stages one by one, each exercising one more part, and returns the first that fails with
   * its error; undefined when all pass.
   */
  diagnose(): { stage: Stage; error: unknown } | undefined {
    for (const stage of this.stages()) {
      const error = attempt(stage.run);
      if (error !== undefined) return { stage, error };
    }
    return undefined;
  }

  private stages(): Stage[] {
    const { generator, discriminator, loss, augmentation } = this.parts;
    const discriminatorVariables = () => this.discriminator.trainableVariables;
    const stages: Stage[] = [
      { part: generator, needs: 'its forward pass in training mode', secondOrder: false, run: () => this.fake() },
    ];
    if (this.augment !== undefined) {
      const augment = this.augment;
      stages.push({
        part: augmentation,
        needs: 'augmenting a batch and its gradient',
        secondOrder: false,
        run: () => tf.tidy(() => void tf.grad((x: tf.Tensor) => tf.sum(augment(x, 1)))(this.realSamples)),
      });
    }
    stages.push(
      {
        part: discriminator,
        needs: 'its forward pass in training mode',
        secondOrder: false,
        run: () => tf.tidy(() => void [this.scores(this.realSamples, 3), this.scores(this.fake(), 4)]),
      },
      {
        part: discriminator,
        needs: 'its backward pass (the gradients of its weights)',
        secondOrder: false,
        run: () =>
          tf.tidy(
            () =>
              void tf.variableGrads(() => {
                const real = this.scores(this.realSamples, 3);
                const fake = this.scores(this.fake(), 4);
                const terms = [real.logits, fake.logits, real.classLogits, fake.classLogits].filter(isTensor);
                return tf.addN(terms.map((t) => tf.sum(t))) as tf.Scalar;
              }, discriminatorVariables()),
          ),
      },
      {
        part: discriminator,
        needs: 'its gradient with respect to its input (the generator step backpropagates through it)',
        secondOrder: false,
        run: () =>
          tf.tidy(() => void tf.grad((x: tf.Tensor) => tf.sum(this.scores(x, 4).logits))(this.fake())),
      },
      { part: loss, needs: 'the discriminator step', secondOrder: false, run: () => this.discriminatorStep([]) },
      ...this.penalties.map(
        (penalty): Stage => ({
          part: { kind: 'penalty', label: `penalty '${penalty.name}'` },
          needs: 'the discriminator step',
          secondOrder: true,
          run: () => this.discriminatorStep([penalty]),
        }),
      ),
      {
        part: generator,
        needs: 'its backward pass (the gradients of its weights)',
        secondOrder: false,
        run: () =>
          tf.tidy(
            () =>
              void tf.variableGrads(
                () => tf.sum(this.scores(this.generate(), 5).logits) as tf.Scalar,
                this.generator.trainableVariables,
              ),
          ),
      },
      { part: loss, needs: 'the generator step', secondOrder: false, run: () => this.generatorStep(undefined) },
    );
    if (this.pathLength !== undefined) {
      const pathLength = this.pathLength;
      stages.push({ part: this.parts.pathLength, needs: 'the generator step', secondOrder: true, run: () => this.generatorStep(pathLength) });
    }
    return stages;
  }

  /** The fake batch, made once outside any gradient tape, as the Trainer makes it. */
  private fake(): tf.Tensor {
    if (this.fakeSamples === undefined) this.fakeSamples = tf.tidy(() => this.generate());
    return this.fakeSamples;
  }

  private generate(): tf.Tensor {
    return this.generator.generate(this.latents, this.generator.conditional ? this.labels : undefined, true);
  }

  /** The discriminator's outputs on a (possibly augmented) batch, in training mode. */
  private scores(samples: tf.Tensor, augmentSeed: number): { logits: tf.Tensor; classLogits?: tf.Tensor } {
    return this.discriminator.outputs(this.augmented(samples, augmentSeed), this.discriminatorLabels(), true);
  }

  private augmented(samples: tf.Tensor, seed: number): tf.Tensor {
    return this.augment === undefined ? samples : this.augment(samples, seed);
  }

  /** The labels a conditional discriminator takes; undefined for others. */
  private discriminatorLabels(): tf.Tensor1D | undefined {
    return this.discriminator.conditional ? this.labels : undefined;
  }

  /** The gradients (never applied) of the Trainer's discriminator objective, with the given penalties. */
  private discriminatorStep(penalties: readonly Penalty[]): void {
    const fakeSamples = this.fake();
    tf.tidy(() => {
      let monitors: ReturnType<typeof discriminatorObjective>['monitors'] | undefined;
      try {
        tf.variableGrads(() => {
          const objective = discriminatorObjective({
            discriminator: this.discriminator,
            loss: this.loss,
            penalties: penalties.map(atFirstActiveStep),
            auxiliaryClassifierWeight: this.auxiliaryClassifierWeight,
            realInputs: this.augmented(this.realSamples, 3),
            fakeInputs: this.augmented(fakeSamples, 4),
            realLabels: this.discriminatorLabels(),
            fakeLabels: this.discriminatorLabels(),
            realClasses: this.labels,
            fakeClasses: this.labels,
            step: 0,
            penaltySeed: (i) => 7 + i,
          });
          monitors = objective.monitors;
          return objective.loss;
        }, this.discriminator.trainableVariables);
      } finally {
        // Kept monitors outlive the tape; free them also when the backward pass fails.
        if (monitors) tf.dispose(monitorTensors(monitors));
      }
    });
  }

  /** The gradients (never applied) of the Trainer's generator objective, with path length regularisation if given. */
  private generatorStep(pathLength: PathLengthRegularizer | undefined): void {
    tf.tidy(() => {
      let monitors: ReturnType<typeof generatorObjective>['monitors'] | undefined;
      try {
        tf.variableGrads(() => {
          const objective = generatorObjective({
            generator: this.generator,
            discriminator: this.discriminator,
            loss: this.loss,
            auxiliaryClassifierWeight: this.auxiliaryClassifierWeight,
            latents: this.latents,
            labels: this.generator.conditional ? this.labels : undefined,
            ...(this.loss.generatorNeedsReal ? { real: { samples: this.realSamples, labels: this.labels } } : {}),
            augment: this.augment,
            seeds: { augmentFake: 5, augmentReal: 6, pathLength: 8 },
            pathLength,
            ...(this.modeSeeking ? { modeSeeking: this.modeSeeking } : {}),
            step: 0,
          });
          monitors = objective.monitors;
          return objective.loss;
        }, this.generator.trainableVariables);
      } finally {
        // Kept monitors outlive the tape; free them also when the backward pass fails.
        if (monitors) tf.dispose(monitorTensors(monitors));
      }
    });
  }

  /** Restores every weight that the dry run changed and frees its tensors. */
  dispose(): void {
    for (const { variable, value } of this.snapshot) {
      if (!variable.isDisposed && variable.dataId !== value.dataId) variable.assign(value);
      value.dispose();
    }
    tf.dispose([this.latents, this.realSamples, this.labels, this.fakeSamples]);
  }
}

/** A penalty that computes its term at the first step it does not skip (lazy penalties skip most steps). */
function atFirstActiveStep(penalty: Penalty): Penalty {
  return {
    name: penalty.name,
    config: penalty.config,
    compute: (inputs) => {
      for (let step = 0; step < PENALTY_STEPS_TRIED; step++) {
        const term = penalty.compute({ ...inputs, step, seed: 7 + step });
        if (term !== null) return term;
      }
      return null;
    },
  };
}

function isTensor(value: tf.Tensor | undefined): value is tf.Tensor {
  return value !== undefined;
}

/** Runs `f`; returns what it threw, or undefined. */
function attempt(f: () => void): unknown {
  try {
    f();
    return undefined;
  } catch (error) {
    releaseAbandonedTape();
    return error ?? new Error(String(error));
  }
}
