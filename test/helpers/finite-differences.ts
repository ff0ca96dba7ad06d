import * as tf from '@tensorflow/tfjs';

/**
 * The gradient of a scalar function of some variables, by autodiff and by central finite differences,
 * flattened in the same order. Variables that autodiff finds no path to count as zero gradients.
 */
export function gradientVsFiniteDifferences(
  f: () => tf.Scalar,
  variables: tf.Variable[],
  h = 1e-3,
): { analytic: number[]; numeric: number[] } {
  const { value, grads } = tf.variableGrads(f, variables);
  value.dispose();
  const analytic: number[] = [];
  for (const variable of variables) {
    const grad = grads[variable.name];
    analytic.push(...(grad ? Array.from(grad.dataSync()) : new Array<number>(variable.size).fill(0)));
  }
  tf.dispose(Object.values(grads));
  const evaluate = (): number => {
    const out = tf.tidy(f);
    const v = out.dataSync()[0];
    out.dispose();
    return v;
  };
  const numeric: number[] = [];
  for (const variable of variables) {
    const original = variable.clone();
    const base = Float32Array.from(original.dataSync());
    for (let i = 0; i < base.length; i++) {
      const shifted = (delta: number): number => {
        const values = Float32Array.from(base);
        values[i] += delta;
        const t = tf.tensor(values, variable.shape);
        variable.assign(t);
        t.dispose();
        return evaluate();
      };
      numeric.push((shifted(h) - shifted(-h)) / (2 * h));
    }
    variable.assign(original);
    original.dispose();
  }
  return { analytic, numeric };
}

/** The largest |a - b| over the entries, relative to max(1, the largest |b|). */
export function maxRelativeError(analytic: number[], numeric: number[]): number {
  const scale = Math.max(1, ...numeric.map(Math.abs));
  return Math.max(...analytic.map((a, i) => Math.abs(a - numeric[i]))) / scale;
}
