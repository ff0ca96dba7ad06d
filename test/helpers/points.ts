import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../../src/data/dataset.js';

/** Options of {@link labelledPoints}. */
export interface LabelledPointsOptions {
  /** The dataset's class count; left out, the dataset infers it from the labels. */
  readonly numClasses?: number;
  /** Attach the labels; false gives the same points unlabelled. @defaultValue true */
  readonly labelled?: boolean;
}

/**
 * Small labelled 2-D data for the trainer tests: point i, of class `labels[i]`, lies at radius 0.5 and
 * angle `2 * labels[i] + i / N` (N points), so each class fills an arc of its own.
 */
export function labelledPoints(labels: readonly number[], options: LabelledPointsOptions = {}): Dataset {
  const n = labels.length;
  const values = labels.flatMap((label, i) => [0.5 * Math.cos(label * 2 + i / n), 0.5 * Math.sin(label * 2 + i / n)]);
  const tensor = tf.tensor2d(values, [n, 2]);
  const data = Dataset.fromTensors(tensor, options.labelled === false ? undefined : labels, {
    checkRange: false,
    name: 'points',
    ...(options.numClasses !== undefined ? { numClasses: options.numClasses } : {}),
  });
  tensor.dispose();
  return data;
}
