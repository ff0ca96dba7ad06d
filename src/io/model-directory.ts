/**
 * A tfjs model as files in a directory, in Node, without @tensorflow/tfjs-node: `model.json` (the
 * standard tfjs LayersModel format) and one weights file it names. Used by `Generator.save('file://…')`
 * and `Generator.load('file://…')`.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs';
import { DataError, describeValue } from '../errors.js';
import { sha256 } from '../util/checksum.js';
import { nodeFs, nodePath, writeFileAtomic } from './fs.js';
import { concatBytes } from '../util/bytes.js';

/** The name of the topology file in a model directory. */
export const MODEL_JSON = 'model.json';

/** The largest model.json read (the topology is JSON; the weights are in their own files). */
const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;

/** A weights file name in a manifest: a plain name, so that no manifest can point outside its directory. */
const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** Bytes per stored element, by dtype (quantized weights: by their quantization dtype). */
const STORED_BYTES: Readonly<Record<string, number>> = Object.freeze({ float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 });

/**
 * The path a `file://` URL names: the text after the scheme, as tfjs-node reads it (`file://runs/x` is
 * the relative path `runs/x`, `file:///tmp/x` the absolute `/tmp/x`).
 */
export function filePathOf(url: string): string {
  return url.slice('file://'.length);
}

/**
 * An IOHandler that saves a model to `directory` (`model.json` and `weights-<hash>.bin`) and loads it
 * from `directory` or from the `model.json` path. Saving is crash-safe: the weights go first under a
 * name from their hash, then `model.json` is replaced atomically, then weights files that it no longer
 * names are removed; a killed process leaves the previous model or the new one, never a mix.
 *
 * @param path - the directory (to save; or to load) or a `model.json` file (to load).
 * @param owner - the function using it, for messages.
 */
export function modelDirectory(path: string, owner: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => saveModelFiles(path, artifacts, owner),
    load: async () => loadModelFiles(path, owner),
  };
}

async function saveModelFiles(directory: string, artifacts: tf.io.ModelArtifacts, owner: string): Promise<tf.io.SaveResult> {
  const fs = await nodeFs(owner);
  const { join } = await nodePath(owner);
  if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology == null) {
    throw new DataError(`${owner}: only a LayersModel's JSON topology can be saved to files, received ${describeValue(artifacts.modelTopology)}.`);
  }
  const weights = joinWeightData(artifacts.weightData);
  const weightsName = `weights-${sha256(weights).slice(0, 16)}.bin`;
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
    ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
  };
  await writeFileAtomic(join(directory, weightsName), weights);
  await writeFileAtomic(join(directory, MODEL_JSON), new TextEncoder().encode(JSON.stringify(json)));
  // Old weights files go, except what model.json names now: another writer may have committed since.
  const named = new Set<string>([weightsName]);
  try {
    const current = JSON.parse(await fs.readFile(join(directory, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
    for (const group of current.weightsManifest) for (const name of group.paths) named.add(name);
  } catch {
    return result(artifacts, weights); // unreadable now: remove nothing
  }
  for (const name of await fs.readdir(directory)) {
    if (/^weights-[0-9a-f]{16}\.bin$/.test(name) && !named.has(name)) await fs.rm(join(directory, name), { force: true });
  }
  return result(artifacts, weights);
}

function result(artifacts: tf.io.ModelArtifacts, weights: Uint8Array): tf.io.SaveResult {
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights.buffer as ArrayBuffer }) };
}

async function loadModelFiles(path: string, owner: string): Promise<tf.io.ModelArtifacts> {
  const fs = await nodeFs(owner);
  const { join, dirname } = await nodePath(owner);
  let jsonPath = path;
  try {
    if ((await fs.stat(path)).isDirectory()) jsonPath = join(path, MODEL_JSON);
  } catch (cause) {
    throw new DataError(`${owner}: no saved model at ${describeValue(path)}: expected a directory holding ${MODEL_JSON}, or that file.`, { cause });
  }
  const json = parseModelJson(await readCapped(fs, jsonPath, owner), jsonPath, owner);
  const directory = dirname(jsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const name of group.paths) {
      if (typeof name !== 'string' || !SAFE_FILE_NAME.test(name)) {
        throw new DataError(`${owner}: ${jsonPath} names the weights file ${describeValue(name)}; expected a plain file name in the same directory (letters, digits, '_', '.', '-').`);
      }
      try {
        parts.push(new Uint8Array(await fs.readFile(join(directory, name))));
      } catch (cause) {
        throw new DataError(`${owner}: ${jsonPath} names the weights file '${name}', which cannot be read: ${(cause as Error).message}.`, { cause });
      }
    }
    specs.push(...group.weights);
  }
  const weights = concatBytes(parts);
  const expected = specs.reduce((sum, spec) => sum + storedBytes(spec, jsonPath, owner), 0);
  if (weights.byteLength !== expected) {
    throw new DataError(`${owner}: the weights of ${jsonPath} must be ${expected} bytes (from its weightsManifest), the files hold ${weights.byteLength}; the files are truncated or from another model.`);
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: weights.buffer as ArrayBuffer,
    ...(json.userDefinedMetadata !== undefined ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
}

async function readCapped(fs: typeof import('node:fs/promises'), path: string, owner: string): Promise<string> {
  let size: number;
  try {
    size = (await fs.stat(path)).size;
  } catch (cause) {
    throw new DataError(`${owner}: cannot read ${describeValue(path)}: ${(cause as Error).message}.`, { cause });
  }
  if (size > MAX_MODEL_JSON_BYTES) {
    throw new DataError(`${owner}: ${path} is ${size} bytes; a model.json must be at most ${MAX_MODEL_JSON_BYTES} (weights belong in the weights files).`);
  }
  return fs.readFile(path, 'utf8');
}

/** Checks the parts of model.json that loading reads; tfjs checks the topology itself. */
function parseModelJson(text: string, path: string, owner: string): tf.io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DataError(`${owner}: ${path} is not JSON (${(cause as Error).message}); expected a tfjs model.json.`, { cause });
  }
  const record = json as Partial<tf.io.ModelJSON> | null;
  if (record === null || typeof record !== 'object' || typeof record.modelTopology !== 'object' || record.modelTopology === null) {
    throw new DataError(`${owner}: ${path} must be a tfjs model.json with a 'modelTopology' object, received ${describeValue(json)}.`);
  }
  const manifest = record.weightsManifest;
  const groupOk = (g: unknown): boolean =>
    g !== null && typeof g === 'object' && Array.isArray((g as tf.io.WeightsManifestConfig[number]).paths) && Array.isArray((g as tf.io.WeightsManifestConfig[number]).weights);
  if (!Array.isArray(manifest) || !manifest.every(groupOk)) {
    throw new DataError(`${owner}: ${path}'s 'weightsManifest' must be a list of { paths, weights }, received ${describeValue(manifest)}.`);
  }
  return record as tf.io.ModelJSON;
}

function storedBytes(spec: tf.io.WeightsManifestEntry, path: string, owner: string): number {
  const shapeOk = Array.isArray(spec?.shape) && spec.shape.every((d) => Number.isInteger(d) && d >= 0);
  const dtype = spec?.quantization?.dtype ?? spec?.dtype;
  const bytes = typeof dtype === 'string' ? STORED_BYTES[dtype] : undefined;
  if (!shapeOk || bytes === undefined) {
    throw new DataError(`${owner}: ${path} has a weight entry that is not { name, shape, dtype } of a numeric dtype: ${describeValue(spec)}.`);
  }
  return spec.shape.reduce((a, b) => a * b, 1) * bytes;
}

/** tfjs gives the weights as one buffer or (for large models) a list of them. */
function joinWeightData(data: tf.io.ModelArtifacts['weightData']): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return concatBytes((Array.isArray(data) ? data : [data]).map((buffer) => new Uint8Array(buffer)));
}

