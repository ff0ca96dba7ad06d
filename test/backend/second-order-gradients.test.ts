/**
 * Gradients of gradients (what gradient penalties need) for every activation and layer op that tfjs-gan
 * ships or is likely to ship: double backprop against central differences of the first gradient, the
 * linear gradient kernels against their adjoints, and R1 penalties through small discriminators.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import { Discriminator } from '../../src/nets/discriminator.js';
import {
  activeSecondOrderGradients,
  registerSecondOrderGradients,
  revertSecondOrderGradients,
  SECOND_ORDER_GRADIENT_KERNELS,
} from '../../src/backend/gradients/index.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';
import { pseudoRandom } from './conv-reference.js';
import {
  type ScalarFunction,
  normRelativeError,
  penaltyGradient,
  penaltyGradientByDifferences,
  pieces,
  readOut,
  spacedValues,
  totalSize,
} from './second-order-reference.js';

type T4 = tf.Tensor4D;

/** One op under test: the shapes of its inputs (all differentiated) and the op itself. */
interface OpCase {
  readonly name: string;
  readonly shapes: number[][];
  readonly op: (inputs: tf.Tensor[]) => tf.Tensor;
  /** Seed of the input values (chosen so that no relu pre-activation lies within a step of its kink). */
  readonly seed?: number;
}

const OP_CASES: readonly OpCase[] = [
  { name: 'leakyRelu', shapes: [[2, 6]], op: ([x]) => tf.leakyRelu(x, 0.2) },
  { name: 'relu', shapes: [[2, 6]], op: ([x]) => tf.relu(x) },
  { name: 'elu', shapes: [[2, 6]], op: ([x]) => tf.elu(x) },
  { name: 'selu', shapes: [[2, 6]], op: ([x]) => tf.selu(x) },
  { name: 'relu6', shapes: [[2, 6]], op: ([x]) => tf.relu6(x) },
  { name: 'prelu', shapes: [[2, 6], [6]], op: ([x, alpha]) => tf.prelu(x, alpha) },
  { name: 'tanh', shapes: [[2, 6]], op: ([x]) => tf.tanh(x) },
  { name: 'sigmoid', shapes: [[2, 6]], op: ([x]) => tf.sigmoid(x) },
  { name: 'softplus', shapes: [[2, 6]], op: ([x]) => tf.softplus(x) },
  { name: 'exp', shapes: [[2, 6]], op: ([x]) => tf.exp(x) },
  { name: 'softmax', shapes: [[2, 6]], op: ([x]) => tf.softmax(x) },
  { name: 'maximum (relu6 of tf.layers: minimum(6, relu))', shapes: [[2, 6]], op: ([x]) => tf.minimum(6, tf.maximum(x, 0)) },
  { name: 'minimum', shapes: [[2, 6], [2, 6]], op: ([a, b]) => tf.minimum(a, b) },
  { name: 'clipByValue', shapes: [[2, 6]], op: ([x]) => tf.clipByValue(x, -0.6, 0.6) },
  { name: 'abs', shapes: [[2, 6]], op: ([x]) => tf.abs(x) },
  { name: 'max (reduction)', shapes: [[2, 6]], op: ([x]) => tf.max(x, 1) },
  { name: 'where(less(x, 0), ...)', shapes: [[2, 6]], op: ([x]) => tf.where(tf.less(x, 0), tf.square(x), tf.tanh(x)) },
  {
    name: 'batchNorm (training-mode statistics)',
    shapes: [[4, 3], [3], [3]],
    op: ([x, scale, offset]) => {
      const { mean, variance } = tf.moments(x, 0);
      return tf.batchNorm(x, mean, variance, offset, scale, 1e-3);
    },
  },
  {
    name: 'layer normalization (moments, rsqrt)',
    shapes: [[2, 6]],
    op: ([x]) => {
      const { mean, variance } = tf.moments(x, -1, true);
      return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-3)));
    },
  },
  { name: 'matMul', shapes: [[2, 3], [3, 4]], op: ([x, w]) => tf.matMul(x, w) },
  { name: 'dense (fused matMul + bias)', shapes: [[2, 3], [3, 4], [4]], op: ([x, w, b]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }) },
  {
    name: 'dense with fused relu',
    shapes: [[2, 3], [3, 4], [4]],
    op: ([x, w, b]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }),
    seed: 2,
  },
  { name: 'conv2d (input and filter)', shapes: [[1, 5, 5, 2], [3, 3, 2, 3]], op: ([x, w]) => tf.conv2d(x as T4, w as T4, 2, 'same') },
  {
    name: 'conv2d layer (fused conv2d + bias)',
    shapes: [[1, 5, 5, 2], [3, 3, 2, 3], [3]],
    op: ([x, w, b]) => tf.fused.conv2d({ x: x as T4, filter: w as T4, strides: 1, pad: 'valid', bias: b }),
  },
  {
    name: 'conv2dTranspose',
    shapes: [[1, 3, 3, 3], [3, 3, 2, 3]],
    op: ([x, w]) => tf.conv2dTranspose(x as T4, w as T4, [1, 6, 6, 2], 2, 'same'),
  },
  { name: 'avgPool 2x2 stride 2 valid', shapes: [[1, 4, 4, 2]], op: ([x]) => tf.avgPool(x as T4, 2, 2, 'valid') },
  { name: 'avgPool 2x2 stride 2 same', shapes: [[1, 4, 4, 2]], op: ([x]) => tf.avgPool(x as T4, 2, 2, 'same') },
  // Partial windows at the borders: needs tfjs-gan's replacement of the first-order gradient of AvgPool.
  { name: 'avgPool 3x3 stride 2 same', shapes: [[1, 5, 5, 2]], op: ([x]) => tf.avgPool(x as T4, 3, 2, 'same') },
  { name: 'avgPool 2x2 stride 1 explicit padding 1', shapes: [[1, 3, 3, 2]], op: ([x]) => tf.avgPool(x as T4, 2, 1, 1) },
  { name: 'avgPool 3x3 stride 2 valid, uncovered border', shapes: [[1, 6, 6, 1]], op: ([x]) => tf.avgPool(x as T4, 3, 2, 'valid') },
  { name: 'maxPool 2x2 stride 2 valid', shapes: [[1, 4, 4, 2]], op: ([x]) => tf.maxPool(x as T4, 2, 2, 'valid') },
  { name: 'maxPool 3x3 stride 2 same', shapes: [[1, 5, 5, 2]], op: ([x]) => tf.maxPool(x as T4, 3, 2, 'same') },
  { name: 'upsampling: resizeNearestNeighbor x2', shapes: [[1, 3, 3, 2]], op: ([x]) => tf.image.resizeNearestNeighbor(x as T4, [6, 6]) },
  { name: 'resizeNearestNeighbor to 5x4', shapes: [[1, 3, 3, 2]], op: ([x]) => tf.image.resizeNearestNeighbor(x as T4, [5, 4]) },
  { name: 'resizeBilinear x2', shapes: [[1, 3, 3, 2]], op: ([x]) => tf.image.resizeBilinear(x as T4, [6, 6]) },
  {
    name: 'resizeBilinear 5x5 alignCorners',
    shapes: [[1, 3, 3, 2]],
    op: ([x]) => tf.image.resizeBilinear(x as T4, [5, 5], true),
  },
  { name: 'concatenate', shapes: [[2, 3], [2, 2]], op: ([a, b]) => tf.concat([tf.square(a), b], 1) },
  { name: 'flatten (reshape)', shapes: [[1, 2, 2, 3]], op: ([x]) => tf.matMul(tf.reshape(x, [1, 12]), tf.tensor2d(pseudoRandom(24, 3), [12, 2])) },
  {
    name: 'embedding (gather)',
    shapes: [[5, 3]],
    op: ([table]) => tf.gather(table, tf.tensor1d([0, 2, 2, 4], 'int32')),
  },
  { name: 'pad and slice', shapes: [[2, 4]], op: ([x]) => tf.slice(tf.pad(x, [[1, 0], [0, 2]]), [1, 1], [2, 4]) },
];

/** `F(t) = sum(r * sin(op(pieces of t)))`. */
function scalarFunction(c: OpCase): ScalarFunction {
  return (t) => readOut(c.op(pieces(t, c.shapes)));
}

describe('registerSecondOrderGradients', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('is idempotent and lists the kernels whose gradient is tfjs-gan\'s', () => {
    const first = registerSecondOrderGradients();
    expect(registerSecondOrderGradients()).toEqual(first);
    expect(activeSecondOrderGradients()).toEqual(first);
    for (const name of ['Greater', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'EluGrad', 'AvgPoolGrad', 'MaxPoolGrad']) {
      expect(first).toContain(name);
    }
    // tfjs's own GreaterEqual gradient stays: only missing gradients are added.
    expect(first).not.toContain('GreaterEqual');
    expect(SECOND_ORDER_GRADIENT_KERNELS.replaced).toEqual(['Tanh', 'Sigmoid', 'Exp', 'Elu', 'Softmax', 'AvgPool', 'LeakyRelu', 'Relu', 'FusedBatchNorm', 'Sum', 'Mean']);
    expect(SECOND_ORDER_GRADIENT_KERNELS.missing).toContain('TfjsGanStepProduct');
    for (const name of ['LeakyRelu', 'Relu', 'FusedBatchNorm', 'TfjsGanStepProduct']) expect(first).toContain(name);
    expect(first).toContain('AvgPool');
  });

  it('is what makes double backprop through leakyRelu and tanh work', () => {
    const leaky = () => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.grad((y: tf.Tensor) => tf.sum(tf.leakyRelu(tf.square(y))))(x))))(tf.ones([3])));
    const tanhSecond = () => tf.tidy(() => tf.grad((x: tf.Tensor) => tf.grad((y: tf.Tensor) => tf.tanh(y))(x))(tf.scalar(0.5)));
    try {
      const reverted = revertSecondOrderGradients();
      expect(reverted).toContain('Greater');
      expect(reverted).toContain('Tanh');
      expect(leaky).toThrow(/gradient function not found for Greater/);
      expect(tanhSecond).toThrow(/Cannot compute gradient of y=f\(x\)/);
    } finally {
      registerSecondOrderGradients();
    }
    tf.dispose(leaky());
    const second = tanhSecond();
    // d²/dx² tanh(x) = -2 tanh(x) (1 - tanh(x)²)
    const t = Math.tanh(0.5);
    expect(second.arraySync()).toBeCloseTo(-2 * t * (1 - t * t), 5);
    second.dispose();
  });
});

describe('without tfjs-gan\'s replacement of the tanh gradient', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });

  it('an R1 gradient through a tanh network is silently wrong (tfjs drops the terms through the saved output)', () => {
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [6, 6], activation: 'tanh', seed: 7 });
    const x = tf.tensor2d(pseudoRandom(3 * 2, 43), [3, 2]);
    const logits = (samples: tf.Tensor) => discriminator.logits(samples, undefined, true);
    const expected = r1GradientByDifferences(logits, x, discriminator.trainableVariables);
    let withoutReplacement: Float64Array;
    try {
      revertSecondOrderGradients();
      withoutReplacement = r1Gradient(logits, x, discriminator.trainableVariables);
    } finally {
      registerSecondOrderGradients();
    }
    expect(normRelativeError(withoutReplacement, expected)).toBeGreaterThan(0.05);
    expect(normRelativeError(r1Gradient(logits, x, discriminator.trainableVariables), expected)).toBeLessThan(1e-2);
    x.dispose();
    discriminator.dispose();
  });
});

/** The gradient of `F` by central differences of its value. */
function gradientByDifferences(f: ScalarFunction, t: Float32Array, h = 1e-2): Float64Array {
  const value = (values: Float32Array): number => {
    const y = tf.tidy(() => f(tf.tensor1d(values)));
    const out = y.dataSync()[0];
    y.dispose();
    return out;
  };
  return Float64Array.from(t, (_, i) => {
    const plus = Float32Array.from(t);
    const minus = Float32Array.from(t);
    plus[i] += h;
    minus[i] -= h;
    return (value(plus) - value(minus)) / (plus[i] - minus[i]);
  });
}

describe.each(TEST_BACKENDS)('the first-order gradient of avgPool on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });

  it.each([
    ['3x3 stride 2 same', [1, 5, 5, 2], 3, 2, 'same'],
    ['2x2 stride 1 same', [2, 3, 4, 1], 2, 1, 'same'],
    ['2x2 stride 1 explicit padding 1', [1, 3, 3, 2], 2, 1, 1],
    ['3x3 stride 2 valid', [1, 6, 6, 1], 3, 2, 'valid'],
  ] as const)('%s matches finite differences (partial windows divide by the pixels inside)', (_name, shape, filterSize, strides, pad) => {
    const f: ScalarFunction = (t) => readOut(tf.avgPool(tf.reshape(t, [...shape]) as T4, filterSize, strides, pad));
    const t = spacedValues(shape.reduce((a: number, b: number) => a * b, 1), 9);
    const gradient = tf.tidy(() => tf.grad(f)(tf.tensor1d(t)));
    const actual = Float64Array.from(gradient.dataSync());
    gradient.dispose();
    expect(normRelativeError(actual, gradientByDifferences(f, t))).toBeLessThan(1e-3);
  });
});

describe.each(TEST_BACKENDS)('gradients of gradients on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });

  it.each(OP_CASES.map((c) => [c.name, c] as const))('%s: double backprop matches finite differences', (_name, c) => {
    const f = scalarFunction(c);
    const t = spacedValues(totalSize(c.shapes), c.seed ?? 5);
    const before = tf.memory().numTensors;
    const actual = penaltyGradient(f, t);
    const expected = penaltyGradientByDifferences(f, t);
    expect(tf.memory().numTensors).toBe(before);
    expect(actual.every(Number.isFinite)).toBe(true);
    expect(normRelativeError(actual, expected)).toBeLessThan(5e-3);
  });
});

/** A gradient kernel that is linear in `dy`, with its other inputs fixed. */
interface LinearKernelCase {
  readonly name: string;
  readonly kernelName: string;
  /** Shape of `dy` and of the kernel's output. */
  readonly dyShape: number[];
  readonly outShape: number[];
  /** The kernel's other inputs, made on the active backend. */
  readonly inputs: () => Record<string, tf.Tensor>;
  readonly attrs: Record<string, unknown>;
}

/** `relu` of pseudo-random values: many exact zeros, so max-pooling windows have ties. */
function withTies(shape: number[], seed: number): tf.Tensor {
  return tf.tidy(() => tf.relu(tf.round(tf.mul(tf.tensor(pseudoRandom(shape.reduce((a, b) => a * b, 1), seed), shape), 2))));
}

function maxPoolInputs(shape: number[], filterSize: number, strides: number, pad: 'same' | 'valid', ties: boolean) {
  return () => {
    const input = ties ? withTies(shape, 21) : tf.tensor(spacedValues(shape.reduce((a, b) => a * b, 1), 21), shape);
    const output = tf.maxPool(input as T4, filterSize, strides, pad);
    return { input, output };
  };
}

const LINEAR_KERNEL_CASES: readonly LinearKernelCase[] = [
  ...(
    [
      ['3x3 stride 2 same (partial windows)', [1, 5, 5, 2], 3, 2, 'same', [1, 3, 3, 2]],
      ['3x3 stride 1 same', [2, 4, 4, 1], 3, 1, 'same', [2, 4, 4, 1]],
      ['2x2 stride 2 valid', [1, 4, 4, 3], 2, 2, 'valid', [1, 2, 2, 3]],
      ['3x3 stride 2 valid, uncovered border', [1, 6, 6, 1], 3, 2, 'valid', [1, 2, 2, 1]],
      ['2x2 stride 1 explicit padding 1', [1, 3, 3, 2], 2, 1, 1, [1, 4, 4, 2]],
    ] as const
  ).map(([name, inShape, filterSize, strides, pad, outShape]) => ({
    name: `AvgPoolGrad ${name}`,
    kernelName: 'AvgPoolGrad',
    dyShape: [...outShape],
    outShape: [...inShape],
    inputs: () => ({ input: tf.zeros([...inShape]) }),
    attrs: { filterSize, strides, pad },
  })),
  ...(
    [
      ['3x3 stride 2 same', [1, 5, 5, 2], 3, 2, 'same', [1, 3, 3, 2], false],
      ['2x2 stride 2 valid', [2, 4, 4, 2], 2, 2, 'valid', [2, 2, 2, 2], false],
      ['3x3 stride 1 same, ties', [1, 4, 4, 2], 3, 1, 'same', [1, 4, 4, 2], true],
      ['2x2 stride 2 valid, ties', [2, 4, 4, 3], 2, 2, 'valid', [2, 2, 2, 3], true],
      ['3x3 stride 2 same, ties', [2, 5, 5, 2], 3, 2, 'same', [2, 3, 3, 2], true],
      ['2x2 stride 1 valid', [1, 4, 3, 2], 2, 1, 'valid', [1, 3, 2, 2], false],
    ] as const
  ).map(([name, inShape, filterSize, strides, pad, outShape, ties]) => ({
    name: `MaxPoolGrad ${name}`,
    kernelName: 'MaxPoolGrad',
    dyShape: [...outShape],
    outShape: [...inShape],
    inputs: maxPoolInputs([...inShape], filterSize, strides, pad, ties),
    attrs: { filterSize, strides, pad },
  })),
  ...(
    [
      ['x2', [1, 3, 3, 2], [6, 6], false, false],
      ['to 5x4', [1, 3, 3, 2], [5, 4], false, false],
      ['to 5x5 alignCorners', [1, 3, 3, 1], [5, 5], true, false],
      ['down to 2x2', [1, 5, 5, 1], [2, 2], false, false],
    ] as const
  ).flatMap(([name, inShape, size, alignCorners, halfPixelCenters]) =>
    (['ResizeNearestNeighborGrad', 'ResizeBilinearGrad'] as const).map((kernelName) => ({
      name: `${kernelName} ${name}`,
      kernelName,
      dyShape: [inShape[0], size[0], size[1], inShape[3]],
      outShape: [...inShape],
      inputs: () => ({ images: tf.zeros([...inShape]) }),
      attrs: { alignCorners, halfPixelCenters, size: [...size] },
    })),
  ),
];

describe.each(TEST_BACKENDS)('gradients of linear gradient kernels on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });

  it.each(LINEAR_KERNEL_CASES.map((c) => [c.name, c] as const))('%s: the gradient is the adjoint, <K dy, u> = <dy, K^T u>', (_name, c) => {
    const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
    const inputs = c.inputs();
    const dy = tf.tensor(pseudoRandom(size(c.dyShape), 31), c.dyShape);
    const u = tf.tensor(pseudoRandom(size(c.outShape), 32), c.outShape);
    const kernel = (d: tf.Tensor) =>
      tf.engine().runKernel(c.kernelName, { dy: d, ...inputs }, c.attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    const before = tf.memory().numTensors;
    const lhs = tf.tidy(() => tf.sum(tf.mul(kernel(dy), u)));
    const transposed = tf.tidy(() => tf.grad((d: tf.Tensor) => tf.sum(tf.mul(kernel(d), u)))(dy));
    const rhs = tf.tidy(() => tf.sum(tf.mul(dy, transposed)));
    const values = [lhs.dataSync()[0], rhs.dataSync()[0]];
    tf.dispose([lhs, transposed, rhs]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([dy, u, ...Object.values(inputs)]);
    expect(values[1]).toBeCloseTo(values[0], 4);
    expect(Math.abs(values[0])).toBeGreaterThan(1e-2);
  });
});

/** R1 (Mescheder et al. 2018): the mean over the batch of |grad_x D(x)|^2. */
function r1(logits: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Scalar {
  const g = tf.grad((images: tf.Tensor) => tf.sum(logits(images)))(x);
  return tf.mean(tf.sum(tf.square(tf.reshape(g, [g.shape[0], -1])), 1));
}

/**
 * The gradient of R1 with respect to `variables` by double backprop, flattened in order (zeros for the
 * variables R1 does not depend on, such as the last bias).
 */
function r1Gradient(logits: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, variables: tf.Variable[]): Float64Array {
  const { value, grads } = tf.variableGrads(() => r1(logits, x), variables);
  const flat = tf.tidy(() =>
    tf.concat(variables.map((v) => (grads[v.name] == null ? tf.zeros([v.size]) : tf.reshape(grads[v.name], [-1])))),
  );
  const values = Float64Array.from(flat.dataSync());
  tf.dispose([value, flat, ...Object.values(grads).filter((g) => g != null)]);
  return values;
}

/** The same gradient by central differences of R1 over every variable entry. */
function r1GradientByDifferences(logits: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, variables: tf.Variable[], h = 1e-3): Float64Array {
  const value = (): number => {
    const r = tf.tidy(() => r1(logits, x));
    const out = r.dataSync()[0];
    r.dispose();
    return out;
  };
  const out: number[] = [];
  for (const v of variables) {
    const base = v.dataSync().slice() as Float32Array;
    for (let i = 0; i < base.length; i++) {
      const shifted = base.slice();
      shifted[i] = base[i] + h;
      v.assign(tf.tensor(shifted, v.shape));
      const plus = value();
      shifted[i] = base[i] - h;
      v.assign(tf.tensor(shifted, v.shape));
      const minus = value();
      out.push((plus - minus) / (2 * h));
    }
    v.assign(tf.tensor(base, v.shape));
  }
  return Float64Array.from(out);
}

/** A small DCGAN-like discriminator: conv2d, leakyReLU, flatten, dense. */
function smallConvDiscriminator(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [6, 6, 1],
      filters: 4,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 3 }),
      biasInitializer: tf.initializers.randomNormal({ stddev: 0.1, seed: 4 }),
    }),
  );
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.randomNormal({ stddev: 0.5, seed: 5 }) }));
  return model;
}

describe.each(TEST_BACKENDS)('R1 penalty through discriminators on %s', (backendName) => {
  beforeAll(async () => {
    await switchBackend(backendName);
  });

  it('conv2d + leakyReLU + dense: double backprop matches finite differences', () => {
    const model = smallConvDiscriminator();
    const x = tf.tensor4d(pseudoRandom(2 * 36, 41), [2, 6, 6, 1]);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const logits = (images: tf.Tensor) => model.apply(images, { training: true }) as tf.Tensor;
    const before = tf.memory().numTensors;
    const actual = r1Gradient(logits, x, variables);
    expect(tf.memory().numTensors).toBe(before);
    const expected = r1GradientByDifferences(logits, x, variables);
    expect(actual.length).toBe(36 + 4 + 36 + 1);
    expect(normRelativeError(actual, expected)).toBeLessThan(1e-2);
    x.dispose();
    model.dispose();
  });

  it.each(['relu', 'leakyRelu', 'elu', 'tanh'] as const)('Discriminator.mlp with %s: double backprop matches finite differences', (activation) => {
    const discriminator = Discriminator.mlp({ inputShape: [2], hiddenUnits: [6, 6], activation, seed: 7 });
    const x = tf.tensor2d(pseudoRandom(3 * 2, 43), [3, 2]);
    const logits = (samples: tf.Tensor) => discriminator.logits(samples, undefined, true);
    const actual = r1Gradient(logits, x, discriminator.trainableVariables);
    const expected = r1GradientByDifferences(logits, x, discriminator.trainableVariables);
    expect(normRelativeError(actual, expected)).toBeLessThan(1e-2);
    x.dispose();
    discriminator.dispose();
  });

  it('Discriminator.dcgan (conditional, batch norm): the R1 gradient is finite for every variable, leak-free', () => {
    const discriminator = Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, numClasses: 3, batchNorm: true, seed: 1 });
    const x = tf.tensor4d(pseudoRandom(2 * 28 * 28, 45), [2, 28, 28, 1]);
    const labels = tf.tensor1d([0, 2], 'int32');
    const logits = (images: tf.Tensor) => discriminator.logits(images, labels, true);
    const variables = discriminator.trainableVariables;
    r1Gradient(logits, x, variables);
    const before = tf.memory().numTensors;
    const gradient = r1Gradient(logits, x, variables);
    expect(tf.memory().numTensors).toBe(before);
    expect(gradient.length).toBe(variables.reduce((n, v) => n + v.size, 0));
    expect(gradient.every(Number.isFinite)).toBe(true);
    expect(gradient.some((g) => g !== 0)).toBe(true);
    tf.dispose([x, labels]);
    discriminator.dispose();
  });
});
