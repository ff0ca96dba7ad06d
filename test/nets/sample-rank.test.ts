/**
 * The rank of a generator's samples, as types: image builders give `tf.Tensor4D` batches, the MLP the
 * rank its `outputShape` gives, and the Trainer keeps its generator's. Checked by `tsc` (the builders
 * below are never called); test/consumer checks the same through the published .d.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expectTypeOf, it } from 'vitest';
import { Generator, type SampleRank, Trainer, io } from '../../src/index.js';

describe('sample rank types', () => {
  it('types image builders as 4-D and the MLP by its output shape', () => {
    expectTypeOf(Generator.dcgan).returns.toEqualTypeOf<Generator<tf.Rank.R4>>();
    expectTypeOf(Generator.resnet).returns.toEqualTypeOf<Generator<tf.Rank.R4>>();
    expectTypeOf(Generator.style).returns.toEqualTypeOf<Generator<tf.Rank.R4>>();
    expectTypeOf(() => Generator.build('dcgan', { imageShape: [28, 28, 1] })).returns.toEqualTypeOf<Generator<tf.Rank.R4>>();
    expectTypeOf(() => Generator.mlp({ outputShape: [2] })).returns.toEqualTypeOf<Generator<tf.Rank.R2>>();
    expectTypeOf(() => Generator.mlp({ outputShape: [28, 28, 1] })).returns.toEqualTypeOf<Generator<tf.Rank.R4>>();
    expectTypeOf(() => Generator.build('mlp', { outputShape: [2] })).returns.toEqualTypeOf<Generator<tf.Rank.R2>>();
    const shape: number[] = [2];
    expectTypeOf(() => Generator.mlp({ outputShape: shape })).returns.toEqualTypeOf<Generator<tf.Rank>>();
    expectTypeOf<SampleRank<readonly [number, number]>>().toEqualTypeOf<tf.Rank.R3>();
  });

  it('gives samples, walks and style mixes of that rank', () => {
    expectTypeOf<Generator<tf.Rank.R4>['sample']>().returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<Generator<tf.Rank.R4>['interpolate']>().returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<Generator<tf.Rank.R4>['interpolateClasses']>().returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<Generator<tf.Rank.R4>['mixStyles']>().returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<Generator<tf.Rank.R2>['sample']>().returns.toEqualTypeOf<tf.Tensor2D>();
    expectTypeOf<Generator['sample']>().returns.toEqualTypeOf<tf.Tensor>();
    const grid = (generator: Generator<tf.Rank.R4>) => io.saveImageGrid(generator.sample({ count: 64 }), 'x.png');
    // @ts-expect-error a batch of vectors is no image batch
    const vectors = (generator: Generator<tf.Rank.R2>) => io.saveImageGrid(generator.sample({ count: 64 }), 'x.png');
    expectTypeOf(grid).returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(vectors).toBeFunction();
  });

  it('keeps the rank through the Trainer and its EMA, and a typed generator is a Generator', () => {
    expectTypeOf<Generator<tf.Rank.R4>>().toExtend<Generator>();
    expectTypeOf<Trainer<tf.Rank.R4>>().toExtend<Trainer>();
    const train = (generator: Generator<tf.Rank.R4>) => new Trainer({ generator, discriminator: undefined as never });
    expectTypeOf(train).returns.toEqualTypeOf<Trainer<tf.Rank.R4>>();
    expectTypeOf<Trainer<tf.Rank.R4>['samplingGenerator']['sample']>().returns.toEqualTypeOf<tf.Tensor4D>();
    expectTypeOf<Trainer<tf.Rank.R4>['emaGenerator']>().toEqualTypeOf<Generator<tf.Rank.R4> | undefined>();
    expectTypeOf(Trainer.load).returns.toEqualTypeOf<Promise<Trainer>>();
  });
});
