import * as tf from '@tensorflow/tfjs';

/** Saves a model through tf.io into memory and loads it back: a serialization round trip. */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(artifacts!));
}

/** Asserts that two tensors or arrays hold the same numbers to `digits` decimal places. */
export function expectAllClose(actual: tf.Tensor | ArrayLike<number>, expected: tf.Tensor | ArrayLike<number>, digits = 4): void {
  const a = Array.from(actual instanceof tf.Tensor ? actual.dataSync() : actual);
  const e = Array.from(expected instanceof tf.Tensor ? expected.dataSync() : expected);
  if (a.length !== e.length) throw new Error(`expected ${e.length} values, received ${a.length}`);
  const tolerance = 10 ** -digits / 2;
  const worst = a.reduce((max, v, i) => Math.max(max, Math.abs(v - e[i])), 0);
  if (!(worst < tolerance)) throw new Error(`values differ by up to ${worst}, more than ${tolerance}`);
}
