import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { ConditionalBatchNormalization } from '../../src/layers/conditional-batch-normalization.js';
import { Generator, interpolateLatents, sampleLatents } from '../../src/nets/index.js';
import { expectAllClose } from '../helpers/model-io.js';

const NAMES = ['zero', 'one', 'two', 'three'];

/** A small conditional DCGAN generator whose classes differ (random per-class parameters). */
function conditionalGenerator(conditioning: 'concat' | 'cbn' | 'concat-cbn', classNames?: readonly string[]): Generator {
  const generator = Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 6, width: 4, numClasses: 4, conditioning, classNames, seed: 1 });
  for (const layer of generator.model.layers) {
    if (layer instanceof ConditionalBatchNormalization) {
      const [gamma, beta, mean, variance] = layer.getWeights();
      layer.setWeights([tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', 1), tf.randomNormal(beta.shape, 0, 1, 'float32', 2), mean, variance]);
    } else if (layer.getClassName() === 'Embedding') {
      layer.setWeights([tf.randomNormal(layer.getWeights()[0].shape, 0, 1, 'float32', 3)]);
    }
  }
  return generator;
}

const norms = (t: tf.Tensor2D): number[] => (t.arraySync() as number[][]).map((row) => Math.hypot(...row));
const row = (t: tf.Tensor, i: number): tf.Tensor => t.slice([i], [1]);

describe('sampling controls', () => {
  const made: Generator[] = [];
  const make = (conditioning: 'concat' | 'cbn' | 'concat-cbn', names?: readonly string[]): Generator => {
    const generator = conditionalGenerator(conditioning, names);
    made.push(generator);
    return generator;
  };
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => made.forEach((g) => g.dispose()));

  it('takes classes by id or by name; names come from the builder option and the spec', () => {
    const generator = make('concat', NAMES);
    expect(generator.classNames).toEqual(NAMES);
    expect(generator.spec.classNames).toEqual(NAMES);
    expect(generator.classId('two')).toBe(2);
    const byName = generator.sample({ count: 3, labels: 'two', seed: 5 });
    const byId = generator.sample({ count: 3, labels: 2, seed: 5 });
    const mixed = generator.sample({ count: 3, labels: ['two', 2, 'two'], seed: 5 });
    expect(Array.from(byName.dataSync())).toEqual(Array.from(byId.dataSync()));
    expect(Array.from(mixed.dataSync())).toEqual(Array.from(byId.dataSync()));
    tf.dispose([byName, byId, mixed]);
  });

  it("labels: 'all' gives count samples per class, class by class, with the same latents in every class", () => {
    const generator = make('cbn', NAMES);
    const grid = generator.sample({ count: 3, labels: 'all', seed: 7 });
    expect(grid.shape).toEqual([12, 28, 28, 1]);
    for (let k = 0; k < 4; k++) {
      const rowOfClass = generator.sample({ count: 3, labels: k, seed: 7 });
      expectAllClose(grid.slice([3 * k], [3]), rowOfClass, 5);
      rowOfClass.dispose();
    }
    tf.dispose(grid);
  });

  it('rejects labels out of range, unknown names, names without class names and labels for an unconditional generator', () => {
    const named = make('concat', NAMES);
    const unnamed = make('concat');
    expect(() => named.sample({ count: 2, labels: 4 })).toThrow(ConfigError);
    expect(() => named.sample({ count: 2, labels: 4 })).toThrow(/'labels' must be integer class ids in \[0, 3\] or class names, received 4 at index 0/);
    expect(() => named.sample({ count: 2, labels: [0, -1] })).toThrow(/received -1 at index 1/);
    expect(() => named.sample({ count: 2, labels: 'sneaker' })).toThrow(
      /unknown class name "sneaker". Expected one of \["zero", "one", "two", "three"\] or a class id in \[0, 3\]/,
    );
    expect(() => unnamed.sample({ count: 2, labels: 'two' })).toThrow(/the class name "two" cannot be resolved: this model has no class names/);
    expect(() => named.classId('four')).toThrow(/unknown class name "four"/);
    const unconditional = Generator.mlp({ outputShape: [2] });
    expect(() => unconditional.sample({ count: 2, labels: 'all' })).toThrow(/'labels' were given, but this generator is unconditional \(numClasses 0\)/);
    expect(() => unconditional.interpolate({ from: 1, to: 2, steps: 3, labels: 1 })).toThrow(/unconditional/);
    expect(() => unconditional.interpolateClasses({ from: 0, to: 1, steps: 3 })).toThrow(/class interpolation needs a conditional generator/);
    expect(() => named.sample({ count: 2 })).toThrow(/'labels' must be a class id in \[0, 3\], a class name, one per sample, or 'all', received undefined/);
    unconditional.dispose();
  });

  it('interpolate: the endpoints equal the samples of the endpoint seeds, for lerp and slerp', () => {
    const generator = make('concat', NAMES);
    for (const method of ['lerp', 'slerp'] as const) {
      const walk = generator.interpolate({ from: 11, to: 12, steps: 5, method, labels: 'one', truncation: 1.5 });
      expect(walk.shape).toEqual([5, 28, 28, 1]);
      const start = generator.sample({ count: 1, seed: 11, labels: 1, truncation: 1.5 });
      const end = generator.sample({ count: 1, seed: 12, labels: 1, truncation: 1.5 });
      expectAllClose(row(walk, 0), start, 5);
      expectAllClose(row(walk, 4), end, 5);
      expect(tf.max(tf.abs(tf.sub(row(walk, 2), start))).dataSync()[0]).toBeGreaterThan(1e-5);
      tf.dispose([walk, start, end]);
    }
    // Latent vectors work as endpoints too, and per-step labels are allowed.
    const a = sampleLatents(1, 6, 11);
    const b = sampleLatents(1, 6, 12);
    const fromVectors = generator.interpolate({ from: a, to: Array.from(b.dataSync()), steps: 3, labels: [0, 1, 2] });
    const fromSeeds = generator.interpolate({ from: 11, to: 12, steps: 3, labels: [0, 1, 2] });
    expectAllClose(fromVectors, fromSeeds, 5);
    expect(() => generator.interpolate({ from: 1, to: [1, 2], steps: 3, labels: 0 })).toThrow(/'to' must be an integer seed or a latent vector of 6 numbers, received "2 numbers"/);
    expect(() => generator.interpolate({ from: 1, to: 2, steps: 1, labels: 0 })).toThrow(/'steps' must be an integer >= 2 \(both endpoints are included\), received 1/);
    expect(() => generator.interpolate({ from: 1, to: 2, steps: 3, labels: 0, method: 'cubic' as never })).toThrow(/'method' must be one of \["lerp", "slerp"\]/);
    tf.dispose([a, b, fromVectors, fromSeeds]);
  });

  it.each(['concat', 'cbn', 'concat-cbn'] as const)('interpolateClasses (%s): the endpoints equal the two classes, the middle mixes them', (conditioning) => {
    const generator = make(conditioning, NAMES);
    const topology = JSON.stringify(generator.model.toJSON(null, false));
    const morph = generator.interpolateClasses({ from: 'one', to: 3, steps: 4, seed: 21 });
    // The class-weights path shares the layers but leaves the saved model as it was.
    expect(JSON.stringify(generator.model.toJSON(null, false))).toBe(topology);
    expect(morph.shape).toEqual([4, 28, 28, 1]);
    const one = generator.sample({ count: 1, seed: 21, labels: 1 });
    const three = generator.sample({ count: 1, seed: 21, labels: 'three' });
    expectAllClose(row(morph, 0), one, 5);
    expectAllClose(row(morph, 3), three, 5);
    const middle = row(morph, 1);
    expect(tf.max(tf.abs(tf.sub(middle, one))).dataSync()[0]).toBeGreaterThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(middle, three))).dataSync()[0]).toBeGreaterThan(1e-4);
    // The class-weights path equals generate() for one-hot weights on a whole batch.
    const latents = sampleLatents(4, 6, 2);
    const viaIds = tf.tidy(() => generator.generate(latents, tf.tensor1d([0, 1, 2, 3], 'int32')));
    const viaWeights = tf.tidy(() => generator.generateFromClassWeights(latents, tf.eye(4)));
    expectAllClose(viaWeights, viaIds, 5);
    tf.dispose([morph, one, three, middle, latents, viaIds, viaWeights]);
  });

  it('interpolateClasses refuses a user model whose label feeds something else than an embedding', () => {
    const z = tf.input({ shape: [2] });
    const label = tf.input({ shape: [1], dtype: 'int32' });
    const joined = tf.layers.concatenate().apply([z, label]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2 }).apply(joined) as tf.SymbolicTensor;
    const generator = new Generator(tf.model({ inputs: [z, label], outputs: out }), { latentDim: 2, outputShape: [2], numClasses: 3 });
    const points = generator.sample({ count: 2, labels: 1, seed: 1 });
    expect(points.shape).toEqual([2, 2]);
    expect(() => generator.interpolateClasses({ from: 0, to: 2, steps: 3, seed: 1 })).toThrow(ConfigError);
    expect(() => generator.interpolateClasses({ from: 0, to: 2, steps: 3, seed: 1 })).toThrow(
      /needs the 'label' input to feed only embedding layers .* it feeds layer "concatenate[^"]*" of class "Concatenate"/,
    );
    points.dispose();
    generator.dispose();
  });

  it('leaves no tensors behind', () => {
    const generator = make('cbn', NAMES);
    tf.dispose(generator.interpolateClasses({ from: 0, to: 1, steps: 3, seed: 1 }));
    const before = tf.memory().numTensors;
    tf.dispose(generator.sample({ count: 2, labels: 'all', seed: 1 }));
    tf.dispose(generator.sample({ count: 2, labels: 'two', seed: 1 }));
    tf.dispose(generator.interpolate({ from: 1, to: 2, steps: 3, labels: 1 }));
    tf.dispose(generator.interpolateClasses({ from: 0, to: 1, steps: 3, seed: 1 }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees every weight on dispose, also after class walks and style mixing re-applied the layers', () => {
    for (const build of [
      () => Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 6, width: 4, numClasses: 4, conditioning: 'cbn', seed: 1 }),
      () => Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 6, width: 4, numClasses: 4, conditioning: 'concat', seed: 1 }),
      () => Generator.style({ imageShape: [16, 16, 3], numClasses: 4, channels: 8, maxChannels: 16, seed: 1 }),
    ]) {
      const before = tf.memory().numTensors;
      const generator = build();
      tf.dispose(generator.interpolateClasses({ from: 0, to: 1, steps: 3, seed: 1 }));
      if (generator.styleBased) tf.dispose(generator.mixStyles({ coarse: 1, fine: 2, count: 1, crossover: 2, coarseLabels: 0, fineLabels: 1 }));
      generator.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('interpolateLatents', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('returns the endpoints exactly at t = 0 and t = 1', () => {
    const from = [0.3, -1.2, 2.5];
    const to = [-0.7, 0.1, 0.4];
    for (const method of ['lerp', 'slerp'] as const) {
      const path = interpolateLatents(from, to, 4, method);
      const values = path.arraySync();
      expectAllClose(values[0], from, 6);
      expectAllClose(values[3], to, 6);
      path.dispose();
    }
  });

  it('slerp keeps the norm between vectors of equal norm; lerp shrinks the midpoint by 1/sqrt(2)', () => {
    const from = [3, 0, 0, 0];
    const to = [0, 0, 3, 0];
    const slerp = interpolateLatents(from, to, 5, 'slerp');
    for (const n of norms(slerp)) expect(n).toBeCloseTo(3, 5);
    expectAllClose(slerp.arraySync()[2], [3 / Math.SQRT2, 0, 3 / Math.SQRT2, 0], 5);
    const lerp = interpolateLatents(from, to, 5, 'lerp');
    expect(norms(lerp)[2]).toBeCloseTo(3 / Math.SQRT2, 5);
    // The path of slerp is the great circle: equal angles between consecutive points (22.5 degrees here).
    const rows = slerp.arraySync();
    for (let i = 1; i < rows.length; i++) {
      const cos = rows[i].reduce((s, x, j) => s + x * rows[i - 1][j], 0) / 9;
      expect(Math.acos(cos)).toBeCloseTo(Math.PI / 8, 5);
    }
    tf.dispose([slerp, lerp]);
  });

  it('slerp between vectors of different norms stays between them; parallel vectors fall back to lerp', () => {
    const slerp = interpolateLatents([1, 0], [0, 2], 9, 'slerp');
    for (const n of norms(slerp)) {
      expect(n).toBeGreaterThanOrEqual(1 - 1e-6);
      expect(n).toBeLessThanOrEqual(2 + 1e-6);
    }
    const parallel = interpolateLatents([1, 1], [2, 2], 3, 'slerp');
    expectAllClose(parallel, [1, 1, 1.5, 1.5, 2, 2], 6);
    expect(() => interpolateLatents([1], [1, 2], 3)).toThrow(/'from' and 'to' must have the same non-zero length, received 1 and 2/);
    tf.dispose([slerp, parallel]);
  });
});
