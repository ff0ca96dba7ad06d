import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classCrossEntropy } from '../../src/losses/index.js';
import { TEST_BACKENDS, switchBackend } from '../helpers/backends.js';

/** -log softmax(logits)[label], by hand in float64. */
function crossEntropy(logits: number[], label: number): number {
  const max = Math.max(...logits);
  const logSumExp = max + Math.log(logits.reduce((s, x) => s + Math.exp(x - max), 0));
  return logSumExp - logits[label];
}

describe.each(TEST_BACKENDS)('classCrossEntropy (ACGAN auxiliary loss) on %s', (backend) => {
  beforeAll(async () => {
    await switchBackend(backend);
  });

  it('equals the mean softmax cross-entropy computed by hand', () => {
    const logits = [
      [2, -1, 0.5],
      [0, 0, 0],
      [-3, 4, 1],
    ];
    const labels = [0, 2, 1];
    const loss = classCrossEntropy({ classLogits: tf.tensor2d(logits), labels: tf.tensor1d(labels, 'int32') });
    const expected = (crossEntropy(logits[0], 0) + crossEntropy(logits[1], 2) + crossEntropy(logits[2], 1)) / 3;
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    // Uniform logits: ln(numClasses) whatever the labels.
    const uniform = classCrossEntropy({ classLogits: tf.zeros([4, 10]), labels: tf.tensor1d([0, 3, 9, 9], 'int32') });
    expect(uniform.dataSync()[0]).toBeCloseTo(Math.log(10), 5);
    tf.dispose([loss, uniform]);
  });

  it('has the gradient (softmax - onehot) / batch with respect to the logits', () => {
    const logits = [
      [1, 2, 3],
      [0.5, -0.5, 0],
    ];
    const labels = tf.tensor1d([2, 0], 'int32');
    const grad = tf.grad((x: tf.Tensor) => classCrossEntropy({ classLogits: x, labels }))(tf.tensor2d(logits));
    const values = grad.arraySync() as number[][];
    logits.forEach((row, i) => {
      const z = row.reduce((s, x) => s + Math.exp(x), 0);
      row.forEach((x, k) => expect(values[i][k]).toBeCloseTo((Math.exp(x) / z - (k === [2, 0][i] ? 1 : 0)) / 2, 5));
    });
    tf.dispose([labels, grad]);
  });
});
