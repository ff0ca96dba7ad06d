/**
 * A `tf.LayersModel` stored inside a JavaScript module: its topology as JSON and its weights as a base64
 * string, optionally quantized to float16 or uint8. Loading needs no network and no file system, so it
 * works the same in Node, in bundlers and in the browser, from ESM and CJS alike.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { ConfigError, describeValue } from '../errors.js';

/** How the weights of an {@link EmbeddedModel} are stored. */
export type WeightQuantization = 'float32' | 'float16' | 'uint8';

/** A model as a plain, JSON-serialisable object; see {@link encodeEmbeddedModel}. */
export interface EmbeddedModel {
  /** The Keras-style topology (`model.toJSON(null, false)`). */
  readonly topology: object;
  /** One entry per weight, in the order of the weight data, with tfjs' quantization record when quantized. */
  readonly weightSpecs: readonly tf.io.WeightsManifestEntry[];
  /** The weight data, base64. */
  readonly weightData: string;
}

/**
 * Encodes a model's topology and weights as an {@link EmbeddedModel}. float16 keeps about 3 decimal
 * digits and halves the size; uint8 (per-tensor affine, `value = min + q * scale`) quarters it.
 *
 * @param model - the model to encode.
 * @param quantization - how to store the weights. @defaultValue 'float32'
 * @returns a plain object that {@link decodeEmbeddedModel} turns back into a model.
 * @example
 * ```ts
 * const embedded = await encodeEmbeddedModel(model, 'float16');
 * const copy = await decodeEmbeddedModel(embedded);
 * ```
 */
export async function encodeEmbeddedModel(
  model: tf.LayersModel,
  quantization: WeightQuantization = 'float32',
): Promise<EmbeddedModel> {
  if (!['float32', 'float16', 'uint8'].includes(quantization)) {
    throw new ConfigError(`encodeEmbeddedModel: 'quantization' must be 'float32', 'float16' or 'uint8', received ${describeValue(quantization)}.`);
  }
  const topology = model.toJSON(null, false) as object;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const weight of model.weights) {
    const values = (await weight.read().data()) as Float32Array;
    // The name loading matches: the layer-scoped original name, without the suffix that makes variable
    // names unique when a model is built twice (a clone, an EMA copy), as tfjs's own `model.save` does.
    const name = weight.originalName;
    const { shape } = weight;
    if (weight.dtype !== 'float32' || quantization === 'float32') {
      specs.push({ name, shape: shape as number[], dtype: weight.dtype as 'float32' });
      chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
    } else if (quantization === 'float16') {
      const half = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) half[i] = float16Bits(values[i]);
      specs.push({ name, shape: shape as number[], dtype: 'float32', quantization: { dtype: 'float16' } });
      chunks.push(new Uint8Array(half.buffer));
    } else {
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const scale = max > min ? (max - min) / 255 : 1;
      const bytes = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) bytes[i] = Math.round((values[i] - min) / scale);
      specs.push({ name, shape: shape as number[], dtype: 'float32', quantization: { dtype: 'uint8', min, scale } });
      chunks.push(bytes);
    }
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    data.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { topology, weightSpecs: specs, weightData: bytesToBase64(data) };
}

/**
 * Builds the model stored in an {@link EmbeddedModel}, with no network access.
 *
 * @param embedded - what {@link encodeEmbeddedModel} returned (or a generated module holds).
 * @returns a new model on the current backend; the caller disposes it.
 * @throws ConfigError when the object is not an embedded model.
 */
export async function decodeEmbeddedModel(embedded: EmbeddedModel): Promise<tf.LayersModel> {
  if (embedded == null || typeof embedded.weightData !== 'string' || !Array.isArray(embedded.weightSpecs)) {
    throw new ConfigError(`decodeEmbeddedModel: expected { topology, weightSpecs, weightData }, received ${describeValue(embedded)}.`);
  }
  const bytes = base64ToBytes(embedded.weightData);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: embedded.topology,
      weightSpecs: [...embedded.weightSpecs],
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    }),
  );
}

/** The size in bytes of an embedded model's weight data (before base64). */
export function embeddedWeightBytes(embedded: EmbeddedModel): number {
  const text = embedded.weightData;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

const scratch = new DataView(new ArrayBuffer(4));

/** The IEEE 754 half-precision bits of a number, rounded to nearest even. */
export function float16Bits(value: number): number {
  scratch.setFloat32(0, value);
  const x = scratch.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  let half = sign | (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return half;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Bytes as base64, without Buffer or btoa (works everywhere). */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    line += BASE64[(n >>> 18) & 63] + BASE64[(n >>> 12) & 63];
    line += i + 1 < bytes.length ? BASE64[(n >>> 6) & 63] : '=';
    line += i + 2 < bytes.length ? BASE64[n & 63] : '=';
    if (line.length >= 4096) {
      parts.push(line);
      line = '';
    }
  }
  parts.push(line);
  return parts.join('');
}

const BASE64_VALUES = /* @__PURE__ */ (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) table[BASE64.charCodeAt(i)] = i;
  return table;
})();

/**
 * Base64 as bytes, without Buffer or atob (works everywhere).
 * @throws ConfigError on a character outside the base64 alphabet.
 */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? BASE64_VALUES[code] : -1;
    if (value < 0) throw new ConfigError(`base64ToBytes: invalid base64 character ${describeValue(clean[i])} at ${i}.`);
    buffer = ((buffer << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  return out;
}
