/**
 * A user's model plugs in only with a spec that describes it, and a discriminator's output must be
 * logits: a final sigmoid (a Keras habit) is refused, since the losses would train on probabilities.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { Discriminator, Generator } from '../../src/nets/index.js';
import { Trainer } from '../../src/train/trainer.js';
import { switchBackend } from '../helpers/backends.js';

/** A model from a 2-D input through `layers`. */
function sequential(layers: tf.layers.Layer[], inputShape = [2]): tf.LayersModel {
  const input = tf.input({ shape: inputShape });
  const output = layers.reduce<tf.SymbolicTensor>((x, layer) => layer.apply(x) as tf.SymbolicTensor, input);
  return tf.model({ inputs: input, outputs: output });
}

describe('network contract', () => {
  beforeAll(async () => {
    await switchBackend('cpu');
  });
  afterEach(() => tf.disposeVariables());

  it.each<[string, () => tf.layers.Layer[]]>([
    ["a dense layer with activation 'sigmoid'", () => [tf.layers.dense({ units: 8 }), tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'prob' })]],
    ['an Activation layer', () => [tf.layers.dense({ units: 1 }), tf.layers.activation({ activation: 'sigmoid', name: 'prob' })]],
    ['a sigmoid before a reshape', () => [tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'prob' }), tf.layers.reshape({ targetShape: [] as unknown as number[] })]],
    ['a dense layer with hardSigmoid', () => [tf.layers.dense({ units: 1, activation: 'hardSigmoid', name: 'prob' })]],
  ])('refuses a discriminator whose output goes through %s', (_, layers) => {
    const model = sequential(layers());
    const make = () => new Discriminator(model, { inputShape: [2] });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(/output must be logits .* last layer "prob[^"]*" applies activation "(sigmoid|hardSigmoid)".*Remove the activation/);
  });

  it('accepts logits: a linear output, and a sigmoid inside the network', () => {
    const model = sequential([tf.layers.dense({ units: 8, activation: 'sigmoid' }), tf.layers.dense({ units: 1 })]);
    const discriminator = new Discriminator(model, { inputShape: [2] });
    const generator = new Generator(sequential([tf.layers.dense({ units: 2, activation: 'tanh' })], [3]), { latentDim: 3, outputShape: [2] });
    const trainer = new Trainer({ generator, discriminator });
    expect(trainer.discriminator).toBe(discriminator);
    trainer.dispose();
  });

  it('needs a spec describing the model, with known names only', () => {
    const g = sequential([tf.layers.dense({ units: 2 })], [3]);
    expect(() => new Generator(g, undefined as never)).toThrow(ConfigError);
    expect(() => new Generator(g, undefined as never)).toThrow(/Generator: 'spec' must be a GeneratorSpec \{ latentDim, outputShape, .*\}.*received undefined/);
    expect(() => new Generator(g, { latentDim: 3, outputShape: [2], numclasses: 0 } as never)).toThrow(/Generator: unknown option 'numclasses'\. Did you mean 'numClasses'\?/);
    const d = sequential([tf.layers.dense({ units: 1 })]);
    expect(() => new Discriminator(d, undefined as never)).toThrow(/Discriminator: 'spec' must be a DiscriminatorSpec \{ inputShape, .*\}.*received undefined/);
    expect(() => new Discriminator(d, 5 as never)).toThrow(/received 5/);
    expect(() => new Discriminator(d, { inputShape: [2], packng: 2 } as never)).toThrow(/unknown option 'packng'\. Did you mean 'packing'\?/);
  });
});
