import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import { clearPreflightCache, preflight } from '../../src/train/preflight.js';
import { BackendError } from '../../src/errors.js';
import { nonSaturating } from '../../src/losses/non-saturating.js';
import type { Penalty, PenaltyInputs } from '../../src/losses/penalty.js';
import { dragan, gradientPenalty, r1, r2 } from '../../src/losses/penalties/index.js';
import { Discriminator } from '../../src/nets/discriminator.js';
import { Generator } from '../../src/nets/generator.js';
import { Dataset } from '../../src/data/dataset.js';
import { PathLengthRegularizer } from '../../src/train/path-length.js';
import { Trainer } from '../../src/train/trainer.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';

/** An R1 penalty (Mescheder et al. 2018): gradients of gradients; counts its calls. */
function r1Penalty(name = 'r1'): Penalty & { calls: number } {
  const penalty = {
    name,
    config: {},
    calls: 0,
    compute({ discriminator, realSamples, realLabels }: PenaltyInputs): tf.Scalar {
      penalty.calls += 1;
      const g = tf.grad((x: tf.Tensor) => tf.sum(discriminator.logits(x, realLabels, true)))(realSamples);
      return tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.reshape(g, [g.shape[0], -1])), 1))) as tf.Scalar;
    },
  };
  return penalty;
}

/** Every weight of the models, read (outside any tidy). */
function weightValues(...models: tf.LayersModel[]): Float32Array[] {
  return models.flatMap((model) => model.weights.map((w) => (w.read().dataSync() as Float32Array).slice()));
}

function dcganPair(options: { numClasses?: number; batchNorm?: boolean } = {}): { generator: Generator; discriminator: Discriminator } {
  const { numClasses = 0, batchNorm = false } = options;
  return {
    generator: Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, numClasses, seed: 1 }),
    discriminator: Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses, batchNorm, seed: 2 }),
  };
}

/** A tiny style-based generator (path length regularisation needs one) and a discriminator for it. */
function stylePair(): { generator: Generator; discriminator: Discriminator } {
  return {
    generator: Generator.style({ imageShape: [8, 8, 3], latentDim: 4, styleDim: 4, mappingLayers: 1, channels: 2, maxChannels: 4, mixingProbability: 0, seed: 1 }),
    discriminator: Discriminator.resnet({ imageShape: [8, 8, 3], channels: 2, seed: 3 }),
  };
}

function disposeAll(...parts: Array<{ dispose(): void }>): void {
  for (const part of parts) part.dispose();
}

describe.each(TEST_BACKENDS)('preflight on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });
  beforeEach(() => clearPreflightCache());

  it('passes for the MLP networks with a penalty', async () => {
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8, 8], seed: 2 });
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1Penalty()] })).resolves.toBeUndefined();
    disposeAll(generator, discriminator);
  });

  it.each([
    ['unconditional', 0],
    ['conditional', 3],
  ] as const)('passes for the DCGAN networks (%s, batch norm in both) with a penalty', async (_name, numClasses) => {
    const { generator, discriminator } = dcganPair({ numClasses, batchNorm: true });
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1Penalty()] })).resolves.toBeUndefined();
    disposeAll(generator, discriminator);
  });

  it('passes for the DCGAN networks with the shipped penalties (R1, R2, WGAN-GP, DRAGAN)', async () => {
    const { generator, discriminator } = dcganPair({ numClasses: 3 });
    const penalties = [r1(), r2(), gradientPenalty(), dragan()];
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties })).resolves.toBeUndefined();
    disposeAll(generator, discriminator);
  });

  it.each(['projection', 'acgan'] as const)('passes for conditional MLP networks with %s conditioning', async (conditioning) => {
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], numClasses: 3, seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8, 8], numClasses: 3, conditioning, seed: 2 });
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1()] })).resolves.toBeUndefined();
    disposeAll(generator, discriminator);
  });

  it('passes with an augmentation of the discriminator inputs', async () => {
    const { generator, discriminator } = dcganPair();
    const augment = (x: tf.Tensor, seed: number) => tf.add(x, tf.randomNormal(x.shape, 0, 0.05, 'float32', seed));
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1()], augment })).resolves.toBeUndefined();
    disposeAll(generator, discriminator);
  });

  it('changes no weight (batch-norm moving statistics included) and leaks no tensor', async () => {
    const { generator, discriminator } = dcganPair({ numClasses: 3, batchNorm: true });
    // A training-mode call does move the statistics, so the check below means something.
    const movingBefore = weightValues(generator.model);
    tf.tidy(() => generator.generate(tf.randomNormal([2, 8], 0, 1, 'float32', 3), tf.tensor1d([0, 1], 'int32'), true));
    const movingAfter = weightValues(generator.model);
    expect(movingAfter.some((values, i) => values.some((v, j) => v !== movingBefore[i][j]))).toBe(true);

    const before = weightValues(generator.model, discriminator.model);
    const tensorsBefore = tf.memory().numTensors;
    await preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1Penalty()] });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(weightValues(generator.model, discriminator.model)).toEqual(before);
    disposeAll(generator, discriminator);
  });

  it('remembers a success: a second call with the same parts runs nothing', async () => {
    const { generator, discriminator } = dcganPair();
    const loss = nonSaturating();
    const penalty = r1Penalty();
    await preflight({ generator, discriminator, loss, penalties: [penalty] });
    const calls = penalty.calls;
    expect(calls).toBeGreaterThan(0);
    await preflight({ generator, discriminator, loss, penalties: [penalty] });
    expect(penalty.calls).toBe(calls);
    clearPreflightCache();
    await preflight({ generator, discriminator, loss, penalties: [penalty] });
    expect(penalty.calls).toBeGreaterThan(calls);
    disposeAll(generator, discriminator);
  });
});

describe('preflight failures (cpu)', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });
  beforeEach(() => clearPreflightCache());
  const restore: Array<() => void> = [];
  afterEach(() => {
    while (restore.length > 0) restore.pop()!();
  });

  /** Unregisters a cpu kernel until the end of the test. */
  function withoutKernel(kernelName: string): void {
    const config = tf.getKernel(kernelName, 'cpu');
    expect(config).toBeDefined();
    tf.unregisterKernel(kernelName, 'cpu');
    restore.push(() => tf.registerKernel(config!));
  }

  /** Unregisters a gradient until the end of the test. */
  function withoutGradient(kernelName: string): void {
    const config = tf.getGradient(kernelName);
    expect(config).toBeDefined();
    tf.unregisterGradient(kernelName);
    restore.push(() => tf.registerGradient(config!));
  }

  it('names a forward kernel that the discriminator needs, and the backends that have it', async () => {
    const { generator, discriminator } = dcganPair();
    withoutKernel('LeakyRelu');
    const attempt = preflight({ generator, discriminator, loss: nonSaturating() });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(attempt).rejects.toThrow(
      /^preflight: the discriminator \(model 'dcgan_discriminator\w*'\) cannot run on backend 'cpu': kernel 'LeakyRelu' is not registered for backend 'cpu' \(needed by its forward pass in training mode\)\. Registered backends that have it: 'wasm' \(switch with `await useBackend\('wasm'\)`\)\.$/,
    );
    disposeAll(generator, discriminator);
  });

  it('names a backward kernel of the discriminator', async () => {
    const { generator, discriminator } = dcganPair();
    withoutKernel('Conv2DBackpropFilter');
    await expect(preflight({ generator, discriminator, loss: nonSaturating() })).rejects.toThrow(
      /the discriminator \(model '\w+'\) cannot run on backend 'cpu': kernel 'Conv2DBackpropFilter' is not registered for backend 'cpu' \(needed by its backward pass \(the gradients of its weights\)\)\. tfjs-gan provides it for 'cpu': activate the backend with `await useBackend\('cpu'\)`, which registers it\. Registered backends that have it: 'wasm'/,
    );
    disposeAll(generator, discriminator);
  });

  it('names a kernel that only the loss needs, and leaks nothing when it fails', async () => {
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], activation: 'relu', seed: 2 });
    withoutKernel('Softplus');
    const tensorsBefore = tf.memory().numTensors;
    const before = weightValues(generator.model, discriminator.model);
    await expect(preflight({ generator, discriminator, loss: nonSaturating() })).rejects.toThrow(
      /the loss 'non-saturating' cannot run on backend 'cpu': kernel 'Softplus' is not registered for backend 'cpu' \(needed by the discriminator step\)/,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(weightValues(generator.model, discriminator.model)).toEqual(before);
    disposeAll(generator, discriminator);
  });

  it('names a gradient that only a penalty needs (gradients of gradients), and that no backend helps', async () => {
    // relu's gradient multiplies by step(x); differentiating it again needs the gradient of Step.
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], activation: 'relu', seed: 2 });
    withoutGradient('Step');
    const tensorsBefore = tf.memory().numTensors;
    const attempt = preflight({ generator, discriminator, loss: nonSaturating(), penalties: [r1Penalty('my-r1')] });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    await expect(attempt).rejects.toThrow(
      /^preflight: the penalty 'my-r1' cannot run on backend 'cpu': tfjs has no gradient for kernel 'Step' \(needed by the discriminator step, which takes gradients of gradients\)\. Gradients are the same on every backend, so switching backends does not help: remove the op that needs it from the penalty, or register a gradient with tf\.registerGradient\(\{ kernelName: 'Step', gradFunc \}\)\.$/,
    );
    disposeAll(generator, discriminator);
  });

  it('names a penalty whose custom op has no second-order gradient', async () => {
    // A custom activation whose gradient uses cumprod, which has no gradient in tfjs.
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 });
    const squash = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([x]);
      return { value: tf.tanh(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cumprod(tf.sigmoid(saved[0]))) };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const penalty: Penalty = {
      name: 'squashed-r1',
      config: {},
      compute: ({ discriminator: d, realSamples }) => {
        const g = tf.grad((x: tf.Tensor) => tf.sum(squash(d.logits(x, undefined, true)) as tf.Tensor))(realSamples);
        return tf.mean(tf.square(g)) as tf.Scalar;
      },
    };
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), penalties: [penalty] })).rejects.toThrow(
      /the penalty 'squashed-r1' cannot run on backend 'cpu': tfjs has no gradient for kernel 'Cumprod'/,
    );
    disposeAll(generator, discriminator);
  });

  it('names the augmentation when it is what has no gradient', async () => {
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 });
    const augment = (x: tf.Tensor) => tf.mul(x, tf.cumprod(tf.onesLike(x)));
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), augment })).rejects.toThrow(
      /^preflight: the augmentation of the discriminator inputs cannot run on backend 'cpu': tfjs has no gradient for kernel 'Cumprod' \(needed by augmenting a batch and its gradient\)/,
    );
    disposeAll(generator, discriminator);
  });

  it('runs the path length penalty in the generator step (the objective the Trainer differentiates), changing nothing', async () => {
    const { generator, discriminator } = stylePair();
    const pathLength = new PathLengthRegularizer({ weight: 1, every: 4 }, generator, 'test');
    const penalty = vi.spyOn(pathLength, 'penalty');
    const update = vi.spyOn(pathLength, 'update');
    const tensorsBefore = tf.memory().numTensors;
    await expect(preflight({ generator, discriminator, loss: nonSaturating(), pathLength })).resolves.toBeUndefined();
    expect(penalty).toHaveBeenCalled();
    expect(penalty.mock.calls[0][0]).toBe(generator);
    // A dry run: the moving average of the path length is neither read back nor moved.
    expect(update).not.toHaveBeenCalled();
    expect(pathLength.mean).toBe(0);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    disposeAll(generator, discriminator);
  });

  it('names path length regularisation when only its gradients of gradients are missing (a dry run without it passes)', async () => {
    // The path length is sqrt(mean |J^T y|^2); nothing else in these networks and loss takes a square root.
    const { generator, discriminator } = stylePair();
    const pathLength = new PathLengthRegularizer({ weight: 1, every: 4 }, generator, 'test');
    withoutGradient('Sqrt');
    await expect(preflight({ generator, discriminator, loss: nonSaturating() })).resolves.toBeUndefined();
    const tensorsBefore = tf.memory().numTensors;
    const attempt = preflight({ generator, discriminator, loss: nonSaturating(), pathLength });
    await expect(attempt).rejects.toBeInstanceOf(BackendError);
    await expect(attempt).rejects.toThrow(
      /^preflight: the path length regularisation cannot run on backend 'cpu': tfjs has no gradient for kernel 'Sqrt' \(needed by the generator step, which takes gradients of gradients\)\./,
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    disposeAll(generator, discriminator);
  });

  it('is what Trainer.fit runs: a path length penalty that needs a missing gradient is refused before the first step', async () => {
    const { generator, discriminator } = stylePair();
    const trainer = new Trainer({ generator, discriminator, pathLength: { every: 4 }, seed: 1 });
    const images = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 1);
    const data = Dataset.fromTensors(images);
    images.dispose();
    withoutGradient('Sqrt');
    await expect(trainer.fit(data, { steps: 1, batchSize: 2 })).rejects.toThrow(/the path length regularisation cannot run on backend 'cpu'/);
    expect(trainer.step).toBe(0);
    trainer.dispose();
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('rethrows errors that are not about the backend unchanged, and does not remember failures', async () => {
    const generator = Generator.mlp({ latentDim: 4, outputShape: [2], hiddenUnits: [8], seed: 1 });
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [8], seed: 2 });
    const broken: Penalty = {
      name: 'broken',
      config: {},
      compute: () => {
        throw new TypeError('penalty bug');
      },
    };
    const parts = { generator, discriminator, loss: nonSaturating(), penalties: [broken] };
    await expect(preflight(parts)).rejects.toThrow(/^penalty bug$/);
    await expect(preflight(parts)).rejects.toBeInstanceOf(TypeError);
    disposeAll(generator, discriminator);
  });
});
