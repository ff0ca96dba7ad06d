/**
 * The baseline of the Trainer's overhead: the same GAN step written by hand in plain tfjs, on the same
 * models, optimizers, loss and batch. A discriminator step on a real and a fake batch (the fake batch
 * made outside the gradient tape), then a generator step; both losses read once per step.
 */
import * as tf from '@tensorflow/tfjs';

/** One hand-written training step; returns [dLoss, gLoss]. */
export async function handStep(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  generatorOptimizer: tf.Optimizer,
  discriminatorOptimizer: tf.Optimizer,
  realImages: tf.Tensor,
  latentDim: number,
): Promise<[number, number]> {
  const batch = realImages.shape[0];
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const fake = tf.tidy(() => generator.apply(tf.randomNormal([batch, latentDim]), { training: true }) as tf.Tensor);
  const dLoss = discriminatorOptimizer.minimize(
    () => {
      const realLogits = discriminator.apply(realImages, { training: true }) as tf.Tensor;
      const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
      return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
    },
    true,
    dVars,
  ) as tf.Scalar;
  fake.dispose();
  const gLoss = generatorOptimizer.minimize(
    () => {
      const images = generator.apply(tf.randomNormal([batch, latentDim]), { training: true }) as tf.Tensor;
      const logits = discriminator.apply(images, { training: true }) as tf.Tensor;
      return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar;
    },
    true,
    gVars,
  ) as tf.Scalar;
  const values = await Promise.all([dLoss.data(), gLoss.data()]);
  tf.dispose([dLoss, gLoss]);
  return [values[0][0], values[1][0]];
}
