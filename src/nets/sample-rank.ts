/**
 * The rank of a generator's samples as a type: a batch of samples of per-sample shape `[h, w, c]` is a
 * `tf.Tensor4D`, one of shape `[2]` a `tf.Tensor2D`. {@link Generator} is generic over it, so that
 * `io.saveImageGrid(generator.sample({ count: 64 }), 'grid.png')` needs no cast for an image generator
 * and refuses vectors at compile time.
 *
 * @packageDocumentation
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * A per-sample shape as a type parameter: the `| readonly []` makes TypeScript infer an array literal
 * (`outputShape: [2]`) as a tuple (`[number]`), whose length gives the rank of the samples.
 */
export type SampleShape = readonly number[] | readonly [];

/**
 * The rank of a batch of samples of per-sample shape `S`: one more than the length of `S`
 * (`[2]` gives `tf.Rank.R2`, `[28, 28, 1]` gives `tf.Rank.R4`); `tf.Rank` (any rank) when the length is
 * not known at compile time (a `number[]`) or the batch would have more than 6 dimensions.
 *
 * @typeParam S - the per-sample shape, e.g. `readonly [number, number, number]`.
 */
export type SampleRank<S extends SampleShape> = number extends S['length']
  ? tf.Rank
  : S['length'] extends 0
    ? tf.Rank.R1
    : S['length'] extends 1
      ? tf.Rank.R2
      : S['length'] extends 2
        ? tf.Rank.R3
        : S['length'] extends 3
          ? tf.Rank.R4
          : S['length'] extends 4
            ? tf.Rank.R5
            : S['length'] extends 5
              ? tf.Rank.R6
              : tf.Rank;
