import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  decodeEmbeddedModel,
  embeddedWeightBytes,
  encodeEmbeddedModel,
  float16Bits,
} from '../../src/util/embedded-model.js';
import { switchBackend } from '../helpers/backends.js';

describe('embedded models', () => {
  beforeAll(() => switchBackend('wasm'));

  it('converts numbers to IEEE half precision with round-to-nearest-even', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(Number.NaN) & 0x7e00).toBe(0x7e00);
    expect(float16Bits(2 ** -24)).toBe(0x0001);
    expect(float16Bits(2 ** -26)).toBe(0);
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway: rounds to even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
  });

  it('round-trips bytes through base64 like Buffer', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 1000, 5000]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(Array.from(base64ToBytes(text))).toEqual(Array.from(bytes));
    }
    expect(() => base64ToBytes('ab$c')).toThrow(/invalid base64 character "\$" at 2/);
  });

  it.each(['float32', 'float16', 'uint8'] as const)('stores and rebuilds a model with %s weights', async (quantization) => {
    const input = tf.input({ shape: [4, 4, 1] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), biasInitializer: 'ones' }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const embedded = await encodeEmbeddedModel(model, quantization);
    const params = model.countParams();
    expect(embeddedWeightBytes(embedded)).toBe(params * { float32: 4, float16: 2, uint8: 1 }[quantization]);
    const copy = await decodeEmbeddedModel(JSON.parse(JSON.stringify(embedded)));
    const x = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 3);
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const actual = (copy.predict(x) as tf.Tensor).dataSync();
    const digits = { float32: 6, float16: 2, uint8: 1 }[quantization];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], digits));
    model.dispose();
    copy.dispose();
  });

  it('stores a second copy of a model (unique variable names, as an EMA generator has) under the names loading expects', async () => {
    const build = (): tf.LayersModel => {
      const input = tf.input({ shape: [3], name: 'z' });
      const output = tf.layers.dense({ units: 2, name: 'head', kernelInitializer: tf.initializers.glorotNormal({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: output });
    };
    const first = build();
    const second = build();
    expect(second.weights[0].name).not.toBe(second.weights[0].originalName);
    const copy = await decodeEmbeddedModel(await encodeEmbeddedModel(second, 'float32'));
    const x = tf.tensor2d([[1, 2, 3]]);
    expect(Array.from((copy.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((second.predict(x) as tf.Tensor).dataSync()));
    tf.dispose([x]);
    for (const model of [first, second, copy]) model.dispose();
  });
});
