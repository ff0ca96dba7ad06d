import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  ARCHITECTURES,
  ARCHITECTURE_NAMES,
  Discriminator,
  Generator,
  architectureByName,
  buildNetworks,
} from '../../src/nets/index.js';
import { MinibatchStdDev } from '../../src/layers/minibatch-stddev.js';

/** The weights of a model as plain arrays, to compare two builds. */
function weightsOf(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('the architecture registry', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => tf.disposeVariables());

  it('lists the shipped families, and names them in the error for an unknown one', () => {
    expect(ARCHITECTURE_NAMES).toEqual(['dcgan', 'mlp', 'resnet', 'style']);
    expect(Object.isFrozen(ARCHITECTURES)).toBe(true);
    expect(architectureByName('resnet')).toBe(ARCHITECTURES.resnet);
    expect(() => architectureByName('biggan')).toThrow(ConfigError);
    expect(() => architectureByName('biggan')).toThrow(/unknown architecture "biggan"\. Expected one of \["dcgan", "mlp", "resnet", "style"\]/);
    expect(() => architectureByName('toString')).toThrow(/unknown architecture "toString"/);
    expect(() => Generator.build('nope' as never, {} as never)).toThrow(/Generator\.build: unknown architecture "nope"/);
  });

  it('the statics are the registry: Generator.dcgan(o) builds what Generator.build("dcgan", o) builds', () => {
    const options = { imageShape: [28, 28, 1], latentDim: 8, width: 4, seed: 3 } as const;
    const a = Generator.dcgan(options);
    const b = Generator.build('dcgan', options);
    expect(b.spec).toEqual(a.spec);
    expect(weightsOf(b.model)).toEqual(weightsOf(a.model));
    const d = Discriminator.build('mlp', { inputShape: [2], hiddenUnits: [4], seed: 1 });
    expect(weightsOf(d.model)).toEqual(weightsOf(Discriminator.mlp({ inputShape: [2], hiddenUnits: [4], seed: 1 }).model));
    expect(Discriminator.build('style', { imageShape: [8, 8, 3], channels: 2 }).model.name).toBe('resnet_discriminator');
  });

  it('buildNetworks maps the shared settings to each family (width, latentDim, classes, seeds)', () => {
    const dcgan = buildNetworks('dcgan', { sampleShape: [28, 28, 1], latentDim: 8, width: 4, seed: 5 });
    expect(dcgan.generator.latentDim).toBe(8);
    expect(weightsOf(dcgan.generator.model)).toEqual(weightsOf(Generator.dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, seed: 5 }).model));
    expect(weightsOf(dcgan.discriminator.model)).toEqual(weightsOf(Discriminator.dcgan({ imageShape: [28, 28, 1], width: 4, seed: 6 }).model));

    const mlp = buildNetworks('mlp', { sampleShape: [2], numClasses: 3, classNames: ['a', 'b', 'c'], width: 99, seed: 1 });
    expect(mlp.generator.outputShape).toEqual([2]);
    expect(mlp.generator.classNames).toEqual(['a', 'b', 'c']);
    expect(mlp.discriminator.numClasses).toBe(3);

    const resnet = buildNetworks('resnet', {
      sampleShape: [8, 8, 3], numClasses: 2, generatorConditioning: 'concat', discriminatorConditioning: 'acgan', width: 4, seed: 1,
    });
    expect(resnet.generator.model.layers.some((l) => l.name === 'label_embedding')).toBe(true);
    expect(resnet.discriminator.auxiliaryClassifier).toBe(true);

    const style = buildNetworks('style', { sampleShape: [8, 8, 3], generatorConditioning: 'cbn', width: 2, seed: 1 });
    expect(style.generator.styleBased).toBe(true);
    expect(style.discriminator.model.layers.some((l) => l instanceof MinibatchStdDev)).toBe(true);
    const conditionalStyle = buildNetworks('style', { sampleShape: [8, 8, 3], numClasses: 2, generatorConditioning: 'cbn', width: 2, seed: 1 });
    expect(conditionalStyle.generator.numClasses).toBe(2);
    expect(conditionalStyle.discriminator.model.layers.some((l) => l instanceof MinibatchStdDev)).toBe(false);
  });

  it('buildNetworks refuses settings the builders refuse, naming the builder', () => {
    expect(() => buildNetworks('dcgan', { sampleShape: [30, 30, 1] })).toThrow(/Generator\.dcgan/);
    expect(() => buildNetworks('gan', { sampleShape: [2] })).toThrow(/buildNetworks: unknown architecture "gan"/);
  });
});
