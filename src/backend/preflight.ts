/**
 * The backend preflight: before training, one tiny dry run of a training step checks that the active
 * backend has every kernel (and tfjs every gradient, gradients of gradients included) that the networks,
 * the loss and the penalties need, so that a missing one fails at once with a message that names it,
 * the part that needs it and the backends that have it, rather than mid-run with a tfjs message.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';

import { BackendError, GanError } from '../errors.js';
import { classCrossEntropy } from '../losses/class-cross-entropy.js';
import type { GanLoss } from '../losses/gan-loss.js';
import type { Penalty } from '../losses/penalty.js';
import type { Discriminator } from '../nets/discriminator.js';
import type { Generator } from '../nets/generator.js';
import { BACKEND_NAMES, isBackendName } from './backend-name.js';
import { releaseAbandonedTape } from './gradients/abandoned-tape.js';
import { SECOND_ORDER_GRADIENT_KERNELS, registerSecondOrderGradients } from './gradients/index.js';
import { KERNEL_PATCHES, patchedKernels } from './kernel-patches.js';

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
  readonly augment?: (samples: tf.Tensor, seed: number) => tf.Tensor;
}

/** Samples per dry-run batch (times the discriminator's packing). */
const DRY_RUN_BATCH = 2;

/** Steps tried for a penalty that skips step 0 (lazy regularisation) before giving up on checking it. */
const PENALTY_STEPS_TRIED = 64;

/** Which part of the configuration a dry-run stage exercises, for messages. */
type Part =
  | { readonly kind: 'generator'; readonly label: string }
  | { readonly kind: 'discriminator'; readonly label: string }
  | { readonly kind: 'loss'; readonly label: string }
  | { readonly kind: 'penalty'; readonly label: string }
  | { readonly kind: 'augmentation'; readonly label: string };

/** One piece of the dry run: what it runs, which part it blames and what it exercises. */
interface Stage {
  readonly part: Part;
  /** Completes "needed by ...". */
  readonly needs: string;
  /** Whether the stage differentiates a gradient again. */
  readonly secondOrder: boolean;
  readonly run: () => void;
}

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
  return `${backendName}|${ids.join(',')}`;
}

/** Forgets every successful preflight, so the next call dry-runs again (after kernels or gradients change). */
export function clearPreflightCache(): void {
  passed.clear();
}

/**
 * Checks, before training, that the active backend has everything the configured networks, loss and
 * penalties need, by running one tiny training step (batch 2, random inputs, labels when conditional)
 * the way the Trainer does: the generator forward in training mode, the discriminator on a real and a
 * fake batch, the discriminator loss and every penalty inside `tf.variableGrads` over the
 * discriminator's variables (penalties take gradients of gradients), and the generator loss's gradient
 * over the generator's variables. Nothing changes: no gradient is applied, and the non-trainable weights
 * that training-mode calls update (batch-norm moving statistics) are restored; every tensor is freed.
 * It also registers tfjs-gan's gradients of gradients (see `registerSecondOrderGradients`). A success is
 * remembered per backend and objects checked, so a second `fit` pays nothing.
 *
 * @param parts - the generator, discriminator, loss, penalties and augmentation of the run.
 * @throws {@link BackendError} naming the missing kernel (and the registered backends that have it) or
 *   the missing gradient, the part that needs it (generator, discriminator, loss, penalty or
 *   augmentation) and what needs it. Errors that are not about a missing kernel or gradient (a bad
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
  private readonly augment: ((samples: tf.Tensor, seed: number) => tf.Tensor) | undefined;
  private readonly latents: tf.Tensor;
  private readonly realSamples: tf.Tensor;
  private readonly labels: tf.Tensor1D | undefined;
  private fakeSamples: tf.Tensor | undefined;
  private readonly snapshot: Array<{ variable: tf.Variable; value: tf.Tensor }>;
  private readonly parts: Readonly<Record<'generator' | 'discriminator' | 'loss' | 'augmentation', Part>>;

  constructor(parts: PreflightParts) {
    this.generator = parts.generator;
    this.discriminator = parts.discriminator;
    this.loss = parts.loss;
    this.penalties = parts.penalties ?? [];
    this.augment = parts.augment;
    const batch = DRY_RUN_BATCH * Math.max(1, this.discriminator.packing ?? 1);
    const numClasses = Math.max(this.generator.numClasses, this.discriminator.numClasses);
    // Every weight, trainable or not, as a clone that shares its data until the variable is assigned.
    const variables = [...this.generator.model.weights, ...this.discriminator.model.weights].map(
      (weight) => weight.read() as tf.Variable,
    );
    this.snapshot = variables.map((variable) => ({ variable, value: tf.clone(variable) }));
    this.latents = tf.randomNormal([batch, this.generator.latentDim], 0, 1, 'float32', 1);
    this.realSamples = tf.randomUniform([batch, ...this.discriminator.inputShape], -1, 1, 'float32', 2);
    this.labels =
      numClasses > 0 ? tf.tensor1d(Array.from({ length: batch }, (_, i) => i % numClasses), 'int32') : undefined;
    this.parts = {
      generator: { kind: 'generator', label: `generator (model '${this.generator.model.name}')` },
      discriminator: { kind: 'discriminator', label: `discriminator (model '${this.discriminator.model.name}')` },
      loss: { kind: 'loss', label: `loss '${this.loss.name}'` },
      augmentation: { kind: 'augmentation', label: 'augmentation of the discriminator inputs' },
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
      secondOrder: this.penalties.length > 0,
      run: () => {
        this.fake();
        this.discriminatorStep(this.penalties);
        this.generatorStep();
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
      { part: loss, needs: 'the generator step', secondOrder: false, run: () => this.generatorStep() },
    );
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
    const inputs = this.augment === undefined ? samples : this.augment(samples, augmentSeed);
    const labels = this.discriminator.conditional ? this.labels : undefined;
    return this.discriminator.outputs(inputs, labels, true);
  }

  /** The discriminator step's gradients (never applied), with the given penalties. */
  private discriminatorStep(penalties: readonly Penalty[]): void {
    const fakeSamples = this.fake();
    tf.tidy(() => {
      tf.variableGrads(() => {
        const realSamples = this.augment === undefined ? this.realSamples : this.augment(this.realSamples, 3);
        const fakeInputs = this.augment === undefined ? fakeSamples : this.augment(fakeSamples, 4);
        const labels = this.discriminator.conditional ? this.labels : undefined;
        const real = this.discriminator.outputs(realSamples, labels, true);
        const fake = this.discriminator.outputs(fakeInputs, labels, true);
        let loss: tf.Scalar = this.loss.discriminator({ realLogits: real.logits, fakeLogits: fake.logits });
        if (this.discriminator.auxiliaryClassifier && this.labels !== undefined) {
          const classLoss = tf.add(
            classCrossEntropy({ classLogits: real.classLogits!, labels: this.labels }),
            classCrossEntropy({ classLogits: fake.classLogits!, labels: this.labels }),
          );
          loss = tf.add(loss, classLoss);
        }
        for (const penalty of penalties) {
          const term = computePenalty(penalty, {
            discriminator: this.discriminator,
            realSamples,
            fakeSamples: fakeInputs,
            realLabels: labels,
            fakeLabels: labels,
            realLogits: real.logits,
            fakeLogits: fake.logits,
          });
          if (term !== null) loss = tf.add(loss, term);
        }
        return loss;
      }, this.discriminator.trainableVariables);
    });
  }

  /** The generator step's gradients (never applied). */
  private generatorStep(): void {
    tf.tidy(() => {
      tf.variableGrads(() => {
        const fake = this.scores(this.generate(), 5);
        const realLogits = this.loss.generatorNeedsReal ? this.scores(this.realSamples, 6).logits : undefined;
        let loss = this.loss.generator({ fakeLogits: fake.logits, realLogits });
        if (this.discriminator.auxiliaryClassifier && this.labels !== undefined) {
          loss = tf.add(loss, classCrossEntropy({ classLogits: fake.classLogits!, labels: this.labels }));
        }
        return loss;
      }, this.generator.trainableVariables);
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

/** A penalty's term at the first step it does not skip (lazy penalties skip most steps). */
function computePenalty(
  penalty: Penalty,
  inputs: Omit<Parameters<Penalty['compute']>[0], 'step' | 'seed'>,
): tf.Scalar | null {
  for (let step = 0; step < PENALTY_STEPS_TRIED; step++) {
    const term = penalty.compute({ ...inputs, step, seed: 7 + step });
    if (term !== null) return term;
  }
  return null;
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

const KERNEL_MISSING = /Kernel '([^']+)' (?:is )?not registered for backend '([^']+)'/;
const GRADIENT_MISSING = /gradient function not found for ([^\s.]+)/;
const METHOD_MISSING = /'([^']+)' not yet implemented or not found in the registry/;

/** The registered backends (of those tfjs-gan loads) other than `current` that have `kernelName`. */
function backendsWithKernel(kernelName: string, current: string): string[] {
  return BACKEND_NAMES.filter(
    (name) => name !== current && tf.findBackendFactory(name) != null && tf.getKernel(kernelName, name) != null,
  );
}

function quoteList(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}

/**
 * The {@link BackendError} for a stage that failed with `error`, or `error` itself when it is not about
 * a missing kernel or gradient.
 */
function explain(stage: Stage, error: unknown, backendName: string): unknown {
  if (error instanceof GanError || !(error instanceof Error)) return error;
  const head = `preflight: the ${stage.part.label} cannot run on backend '${backendName}'`;
  const needs = `${stage.needs}${stage.secondOrder ? ', which takes gradients of gradients' : ''}`;
  const kernel = KERNEL_MISSING.exec(error.message);
  if (kernel != null) {
    const kernelName = kernel[1];
    const patches = isBackendName(backendName) ? (KERNEL_PATCHES[backendName] ?? []) : [];
    const providedByPatch =
      isBackendName(backendName) &&
      (patches as readonly string[]).includes(kernelName) &&
      !(patchedKernels(backendName) as string[]).includes(kernelName);
    const others = backendsWithKernel(kernelName, backendName);
    const advice = [
      providedByPatch
        ? `tfjs-gan provides it for '${backendName}': activate the backend with \`await useBackend('${backendName}')\`, which registers it.`
        : '',
      others.length > 0
        ? `Registered backends that have it: ${quoteList(others)} (switch with \`await useBackend('${others[0]}')\`).`
        : providedByPatch
          ? ''
          : `No other registered backend has it either: change the ${stage.part.kind}, or register the kernel with tf.registerKernel.`,
    ]
      .filter((sentence) => sentence !== '')
      .join(' ');
    return new BackendError(
      `${head}: kernel '${kernelName}' is not registered for backend '${kernel[2]}' (needed by ${needs}). ${advice}`,
      { cause: error },
    );
  }
  const gradient = GRADIENT_MISSING.exec(error.message);
  if (gradient != null) {
    const kernelName = gradient[1];
    const fix = SECOND_ORDER_GRADIENT_KERNELS.missing.includes(kernelName)
      ? `tfjs-gan provides it: call registerSecondOrderGradients() (useBackend does).`
      : `remove the op that needs it from the ${stage.part.kind}, or register a gradient with ` +
        `tf.registerGradient({ kernelName: '${kernelName}', gradFunc }).`;
    return new BackendError(
      `${head}: tfjs has no gradient for kernel '${kernelName}' (needed by ${needs}). Gradients are the ` +
        `same on every backend, so switching backends does not help: ${fix}`,
      { cause: error },
    );
  }
  const method = METHOD_MISSING.exec(error.message);
  if (method != null) {
    const others = BACKEND_NAMES.filter((name) => name !== backendName && tf.findBackendFactory(name) != null);
    return new BackendError(
      `${head}: the backend does not implement '${method[1]}' (needed by ${needs}).` +
        (others.length > 0 ? ` Other registered backends: ${quoteList(others)}.` : ''),
      { cause: error },
    );
  }
  return error;
}
