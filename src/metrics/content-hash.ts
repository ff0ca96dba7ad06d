/**
 * Content hashes for the reference-feature cache: SHA-256 (Web Crypto, in Node and in secure pages) of
 * a dataset's samples and labels, and of a feature extractor's weights and configuration. Internal.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { fnv1a } from '../util/checksum.js';

/** The SHA-256 of each part, in order, combined into one hex digest (`fnv-` and a weaker hash without Web Crypto). */
export async function hashParts(parts: readonly (Uint8Array | string)[]): Promise<string> {
  const encoder = new TextEncoder();
  const bytes = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    // Pages served without https have no Web Crypto; this only keys the in-memory cache there (the disk
    // cache needs Node, which has it).
    const digests = bytes.map((part) => `${part.length}:${fnv1a(part)}:${fnv1a(Uint8Array.from(part).reverse())}`);
    return `fnv-${fnv1a(encoder.encode(digests.join('/')))}${fnv1a(encoder.encode(digests.reverse().join('/')))}`;
  }
  const digests = await Promise.all(bytes.map((part) => subtle.digest('SHA-256', part as Uint8Array<ArrayBuffer>)));
  const joined = new Uint8Array(digests.length * 32);
  digests.forEach((digest, i) => joined.set(new Uint8Array(digest), i * 32));
  return toHex(new Uint8Array(await subtle.digest('SHA-256', joined)));
}

/** SHA-256 of bytes as 64 hex digits (or the fallback of {@link hashParts}). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return hashParts([bytes]);
  return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function tensorBytes(values: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Tensors never change their values, so a tensor's hash is computed once. */
const tensorHashes = new WeakMap<tf.Tensor, Promise<string>>();

/** The hash of a tensor's dtype, shape and every value (memoised per tensor). */
export function tensorHash(tensor: tf.Tensor): Promise<string> {
  let hash = tensorHashes.get(tensor);
  if (hash === undefined) {
    hash = tensor.data().then((values) => hashParts([`${tensor.dtype}[${tensor.shape.join(',')}]`, tensorBytes(values as Float32Array)]));
    tensorHashes.set(tensor, hash);
  }
  return hash;
}

/** The hash of a dataset's content: every sample and every label. */
export async function datasetHash(dataset: Dataset): Promise<string> {
  const images = await tensorHash(dataset.images);
  const labels = dataset.labels === undefined ? 'unlabelled' : await tensorHash(dataset.labels);
  return hashParts([images, labels]);
}

/**
 * The hash of a model's weights (names, shapes and values) and of its configuration (`toJSON`), read
 * now: a model trained further gets a new hash.
 */
export async function modelHash(model: tf.LayersModel, extra: string): Promise<string> {
  const parts: (Uint8Array | string)[] = [extra, JSON.stringify(model.toJSON(undefined, false))];
  for (const weight of model.weights) {
    const values = await weight.read().data();
    parts.push(`${weight.name}:${weight.dtype}[${weight.shape.join(',')}]`, tensorBytes(values as Float32Array));
  }
  return hashParts(parts);
}
