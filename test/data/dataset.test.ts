import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset, fromTensors } from '../../src/data/dataset.js';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { SeededRandom, hashInts } from '../../src/util/random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** N samples [N, 1] whose value encodes the index, with label = index. */
function indexed(count: number): Dataset {
  const images = tf.tensor2d(Array.from({ length: count }, (_, i) => i / count), [count, 1]);
  const data = Dataset.fromTensors(images, Int32Array.from({ length: count }, (_, i) => i));
  images.dispose();
  return data;
}

describe('Dataset.fromTensors', () => {
  it('stores images, labels and metadata', () => {
    const images = tf.zeros([4, 2, 3, 1]);
    const data = Dataset.fromTensors(images, [0, 2, 1, 2], { name: 'tiny' });
    expect(data.size).toBe(4);
    expect(data.sampleShape).toEqual([2, 3, 1]);
    expect(data.name).toBe('tiny');
    expect(data.numClasses).toBe(3);
    expect(data.classNames).toBeUndefined();
    expect(data.images.dtype).toBe('float32');
    expect(data.labels?.dtype).toBe('int32');
    expect(Array.from(data.labels!.dataSync())).toEqual([0, 2, 1, 2]);
    expect(data.toString()).toBe("Dataset 'tiny': 4 x [2, 3, 1], 3 classes");
    data.dispose();
    images.dispose();
  });

  it('is unlabelled without labels', () => {
    const images = tf.zeros([2, 2]);
    const data = fromTensors(images);
    expect(data.numClasses).toBe(0);
    expect(data.labels).toBeUndefined();
    expect(data.name).toBe('tensors');
    data.dispose();
    images.dispose();
  });

  it('rescales from the given range to [-1, 1]', () => {
    const bytes = tf.tensor2d([[0, 51, 127.5, 255]], [1, 4]);
    const data = Dataset.fromTensors(bytes, undefined, { range: [0, 255] });
    const values = data.images.dataSync();
    expect(values[0]).toBeCloseTo(-1, 6);
    expect(values[1]).toBeCloseTo(-0.6, 6);
    expect(values[2]).toBeCloseTo(0, 6);
    expect(values[3]).toBeCloseTo(1, 6);
    data.dispose();
    const unit = tf.tensor2d([[0, 0.25, 1]], [1, 3]);
    const data01 = Dataset.fromTensors(unit, undefined, { range: [0, 1] });
    expect(Array.from(data01.images.dataSync())).toEqual([-1, -0.5, 1]);
    tf.dispose([bytes, unit]);
    data01.dispose();
  });

  it('casts int32 images to float32', () => {
    const ints = tf.tensor2d([[0, 255]], [1, 2], 'int32');
    const data = Dataset.fromTensors(ints, undefined, { range: [0, 255] });
    expect(data.images.dtype).toBe('float32');
    expect(Array.from(data.images.dataSync())).toEqual([-1, 1]);
    data.dispose();
    ints.dispose();
  });

  it('keeps its own reference: the caller may dispose its tensors, even inside tf.tidy', () => {
    let data!: Dataset;
    tf.tidy(() => {
      data = Dataset.fromTensors(tf.ones([3, 2]), tf.tensor1d([0, 1, 0], 'int32'));
    });
    expect(data.images.isDisposed).toBe(false);
    expect(Array.from(data.images.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(data.labels!.dataSync())).toEqual([0, 1, 0]);
    data.dispose();
  });

  it('holds exactly its two tensors and frees them on dispose', () => {
    const images = tf.zeros([3, 2]);
    const before = tf.memory().numTensors;
    const data = Dataset.fromTensors(images, [0, 1, 2], { range: [0, 1] });
    expect(tf.memory().numTensors).toBe(before + 2);
    data.dispose();
    data.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(data.isDisposed).toBe(true);
    images.dispose();
  });

  it('names the first NaN or infinite value by sample and position', () => {
    const values = new Float32Array(2 * 2 * 2);
    values[5] = NaN; // sample 1, position [0, 1]
    values[7] = Infinity;
    const images = tf.tensor3d(values, [2, 2, 2]);
    expect(() => Dataset.fromTensors(images)).toThrow(DataError);
    expect(() => Dataset.fromTensors(images)).toThrow(
      /'images' must hold finite values, received NaN at sample 1, position \[0, 1\] \(flat index 5\)/,
    );
    const infinite = tf.tensor2d([0, 0, 0, -Infinity], [2, 2]);
    expect(() => Dataset.fromTensors(infinite, undefined, { checkRange: false })).toThrow(
      /received -Infinity at sample 1, position \[1\]/,
    );
    tf.dispose([images, infinite]);
  });

  it('rejects values outside [-1, 1], suggesting the range option', () => {
    const bytes = tf.tensor2d([0, 255], [2, 1]);
    expect(() => Dataset.fromTensors(bytes)).toThrow(DataError);
    expect(() => Dataset.fromTensors(bytes)).toThrow(
      /'images' must hold values in \[-1, 1\], received values in \[0, 255\]\. Pass the option range: \[0, 255\]/,
    );
    const unit = tf.tensor2d([0, 1, 0.5, 1], [2, 2]);
    const inside = Dataset.fromTensors(unit); // [0, 1] is inside [-1, 1]
    expect(inside.size).toBe(2);
    inside.dispose();
    const wide = tf.tensor2d([-3, 7], [2, 1]);
    expect(() => Dataset.fromTensors(wide)).toThrow(/range: \[-3, 7\]/);
    expect(() => Dataset.fromTensors(bytes, undefined, { range: [0, 1] })).toThrow(
      /must hold values in the given range \[0, 1\], received values in \[0, 255\]/,
    );
    const points = Dataset.fromTensors(wide, undefined, { checkRange: false });
    expect(Array.from(points.images.dataSync())).toEqual([-3, 7]);
    points.dispose();
    tf.dispose([bytes, unit, wide]);
  });

  it('rejects tensors of rank < 2 or without samples', () => {
    const vector = tf.zeros([5]);
    expect(() => Dataset.fromTensors(vector)).toThrow(ShapeError);
    expect(() => Dataset.fromTensors(vector)).toThrow(/'images' must have rank >= 2.*received shape \[5\]/);
    const empty = tf.zeros([0, 2]);
    expect(() => Dataset.fromTensors(empty)).toThrow(DataError);
    expect(() => Dataset.fromTensors(empty)).toThrow(/at least one non-empty sample, received shape \[0, 2\]/);
    expect(() => Dataset.fromTensors([[1]] as never)).toThrow(/'images' must be a tf.Tensor/);
    tf.dispose([vector, empty]);
  });

  it('checks labels: count, integers, range, and class names', () => {
    const images = tf.zeros([3, 2]);
    expect(() => Dataset.fromTensors(images, [0, 1])).toThrow(ShapeError);
    expect(() => Dataset.fromTensors(images, [0, 1])).toThrow(/one class id per image, N = 3, received 2/);
    expect(() => Dataset.fromTensors(images, [0, 1, 1.5])).toThrow(DataError);
    expect(() => Dataset.fromTensors(images, [0, 1, 1.5])).toThrow(/non-negative integer class ids, received 1.5 at index 2/);
    expect(() => Dataset.fromTensors(images, [0, -1, 1])).toThrow(/received -1 at index 1/);
    expect(() => Dataset.fromTensors(images, [0, 3, 1], { numClasses: 3 })).toThrow(
      /'labels' must be class ids in \[0, 3\), received 3 at index 1/,
    );
    expect(() => Dataset.fromTensors(images, [0, 1, 1], { classNames: ['a', 'b', 'c'], numClasses: 2 })).toThrow(
      /'classNames' must hold numClasses = 2 names, received 3/,
    );
    expect(() => Dataset.fromTensors(images, undefined, { numClasses: 2 })).toThrow(ConfigError);
    const matrix = tf.zeros([3, 1], 'int32');
    expect(() => Dataset.fromTensors(images, matrix)).toThrow(/'labels' must be a tensor of shape \[N\] = \[3\], received shape \[3, 1\]/);
    const named = Dataset.fromTensors(images, [0, 1, 0], { classNames: ['cat', 'dog', 'owl'] });
    expect(named.numClasses).toBe(3);
    expect(named.classNames).toEqual(['cat', 'dog', 'owl']);
    named.dispose();
    tf.dispose([images, matrix]);
  });

  it('rejects unknown and bad options', () => {
    const images = tf.zeros([2, 2]);
    expect(() => Dataset.fromTensors(images, undefined, { rnage: [0, 1] } as never)).toThrow(/unknown option 'rnage'/);
    expect(() => Dataset.fromTensors(images, undefined, { range: [1, 0] })).toThrow(
      /'range' must be \[min, max\] with finite min < max, e.g. \[0, 255\], received \[1, 0\]/,
    );
    images.dispose();
  });
});

describe('Dataset batching', () => {
  it('counts whole batches per epoch and validates the batch size', () => {
    const data = indexed(10);
    expect(data.batchesPerEpoch(3)).toBe(3);
    expect(data.batchesPerEpoch(10)).toBe(1);
    expect(() => data.batchesPerEpoch(0)).toThrow(ConfigError);
    expect(() => data.batchesPerEpoch(11)).toThrow(/'batchSize' must be an integer in \[1, 10\], received 11/);
    data.dispose();
  });

  it('draws each epoch as the permutation seeded by hashInts(seed, epoch), dropping the remainder', () => {
    const data = indexed(10);
    const seed = 42;
    for (const epoch of [0, 1, 2]) {
      const order = new SeededRandom(hashInts(seed, epoch)).permutation(10);
      for (let b = 0; b < 3; b++) {
        expect(Array.from(data.batchIndices(epoch * 3 + b, 3, seed))).toEqual(Array.from(order.slice(b * 3, b * 3 + 3)));
      }
    }
    data.dispose();
  });

  it('visits every sample at most once per epoch, and epochs differ', () => {
    const data = indexed(64);
    const seen = new Set<number>();
    for (let b = 0; b < 8; b++) for (const i of data.batchIndices(b, 8, 7)) seen.add(i);
    expect(seen.size).toBe(64);
    expect(Array.from(data.batchIndices(8, 8, 7))).not.toEqual(Array.from(data.batchIndices(0, 8, 7)));
    expect(Array.from(data.batchIndices(0, 8, 8))).not.toEqual(Array.from(data.batchIndices(0, 8, 7)));
    data.dispose();
  });

  it('is stateless: a batch depends only on (seed, index, batchSize), in any call order', () => {
    const data = indexed(20);
    const first = Array.from(data.batchIndices(5, 4, 1));
    data.batchIndices(17, 4, 1);
    data.batchIndices(0, 4, 9);
    expect(Array.from(data.batchIndices(5, 4, 1))).toEqual(first);
    const other = indexed(20);
    expect(Array.from(other.batchIndices(5, 4, 1))).toEqual(first);
    data.dispose();
    other.dispose();
  });

  it('gathers the images and labels of the batch indices', () => {
    const data = indexed(10);
    const indices = Array.from(data.batchIndices(4, 2, 3));
    const { images, labels } = data.batch(4, 2, 3);
    expect(images.shape).toEqual([2, 1]);
    expect(Array.from(labels!.dataSync())).toEqual(indices);
    const values = images.dataSync();
    indices.forEach((index, k) => expect(values[k]).toBeCloseTo(index / 10, 6));
    tf.dispose([images, labels!]);
    data.dispose();
  });

  it('leaks no tensors', () => {
    const data = indexed(16);
    tf.dispose(Object.values(data.batch(0, 4, 0))); // warm-up
    const before = tf.memory().numTensors;
    for (let b = 0; b < 10; b++) {
      const batch = data.batch(b, 4, 0);
      tf.dispose([batch.images, batch.labels!]);
      const subset = data.take(3, b);
      tf.dispose([subset.images, subset.labels!]);
    }
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
  });

  it('validates index and seed', () => {
    const data = indexed(4);
    expect(() => data.batch(-1, 2, 0)).toThrow(/'index' must be an integer/);
    expect(() => data.batch(0.5, 2, 0)).toThrow(/'index' must be an integer .* received 0.5/);
    expect(() => data.batch(0, 2, 1.5)).toThrow(/'seed' must be an integer .* received 1.5/);
    data.dispose();
    expect(() => data.batch(0, 2, 0)).toThrow(/disposed/);
  });
});

describe('Dataset.take', () => {
  it('takes the first samples without a seed', () => {
    const data = indexed(10);
    const { images, labels } = data.take(3);
    expect(images.shape).toEqual([3, 1]);
    expect(Array.from(labels!.dataSync())).toEqual([0, 1, 2]);
    tf.dispose([images, labels!]);
    data.dispose();
  });

  it('takes a seeded random subset without repeats', () => {
    const data = indexed(10);
    const { images, labels } = data.take(4, 5);
    const chosen = Array.from(labels!.dataSync());
    expect(chosen).toEqual(Array.from(new SeededRandom(5).permutation(10).slice(0, 4)));
    expect(new Set(chosen).size).toBe(4);
    tf.dispose([images, labels!]);
    expect(() => data.take(11)).toThrow(/'count' must be an integer in \[1, 10\], received 11/);
    data.dispose();
  });

  it('takes from unlabelled data', () => {
    const images = tf.zeros([3, 2, 2, 1]);
    const data = Dataset.fromTensors(images);
    const subset = data.take(2);
    expect(subset.images.shape).toEqual([2, 2, 2, 1]);
    expect(subset.labels).toBeUndefined();
    tf.dispose([images, subset.images]);
    data.dispose();
  });
});

describe('Dataset.classCounts', () => {
  it('counts the samples of every class, empty classes included, and hands out a copy', () => {
    const images = tf.zeros([6, 2]);
    const data = Dataset.fromTensors(images, [3, 0, 3, 3, 1, 0], { checkRange: false, numClasses: 5 });
    images.dispose();
    const counts = data.classCounts();
    expect(Array.from(counts)).toEqual([2, 1, 0, 3, 0]);
    counts[0] = 99;
    expect(Array.from(data.classCounts())).toEqual([2, 1, 0, 3, 0]);
    data.dispose();
    expect(() => data.classCounts()).toThrow(ConfigError);
  });

  it('refuses an unlabelled dataset, naming it', () => {
    const images = tf.zeros([3, 2]);
    const data = Dataset.fromTensors(images, undefined, { checkRange: false, name: 'plain' });
    images.dispose();
    expect(() => data.classCounts()).toThrow(ConfigError);
    expect(() => data.classCounts()).toThrow(/Dataset 'plain'.classCounts: the dataset has no labels to count/);
    data.dispose();
  });
});
