/**
 * The names of a checkpoint's files: what a name read from a manifest may be (a plain file name inside
 * the checkpoint, never a path), the names a save gives its files (unique, so two saves never write the
 * same file), and which names are a save's debris (orphaned weights and temporary files) that a later
 * save may remove.
 *
 * @packageDocumentation
 */
import { CheckpointError, describeValue } from '../errors.js';

/** Name of the manifest file of a checkpoint. */
export const MANIFEST_NAME = 'gan.json';

/** Longest file name accepted (most file systems allow 255 bytes). */
const MAX_NAME_LENGTH = 200;

/** Weights files that saves write: `weights-<step>-<time and random digits>.bin`. */
const WEIGHTS_FILE = /^weights-\d+-[0-9a-z]+\.bin$/;

/** Temporary and stale files of saves: manifests being written, lock files being broken. */
const TEMPORARY_FILE = /^gan\.json\.(tmp|lock\.stale)-[0-9a-z]+$/;

/**
 * Why `name` is not a plain file name (a path, `..`, a NUL, empty, too long), or undefined when it is one.
 *
 * @param name - the name to check.
 * @returns the reason, or undefined.
 */
export function unsafeFileNameReason(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'it is not a string';
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (name === '.' || name === '..') return 'it names a directory';
  if (/[/\\]/.test(name)) return "it contains a path separator ('/' or '\\')";
  // Control characters (NUL above all) and a drive prefix such as 'C:' are never part of a saved name.
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (/^[a-z]:/i.test(name)) return 'it starts with a drive letter';
  return undefined;
}

/**
 * Checks that a name read from a manifest (or given to a store) is a plain file name inside the
 * checkpoint: no path separator, no `..`, no NUL, not absolute, not empty.
 *
 * @param name - the name.
 * @param field - what the name is, for the message, e.g. `'weightsFile'`.
 * @param location - the checkpoint, for the message.
 * @returns the name.
 * @throws CheckpointError naming the field, what was expected and what was received.
 */
export function checkFileName(name: unknown, field: string, location: string): string {
  const reason = unsafeFileNameReason(name);
  if (reason !== undefined) {
    throw new CheckpointError(
      `checkpoint: ${describeValue(location)}: '${field}' must be a plain file name inside the checkpoint (no '/', '\\', '..', NUL, drive or absolute path), received ${describeValue(name)}: ${reason}.`,
    );
  }
  return name as string;
}

/** Random lowercase base-36 digits from the platform's cryptographic generator (Node and browsers). */
export function randomSuffix(length = 10): string {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => (byte % 36).toString(36)).join('');
}

/**
 * A fresh weights file name: the step, the time and random digits, so two saves (in one process or
 * two, in the same millisecond) never choose the same name.
 */
export function newWeightsFileName(step: number): string {
  return `weights-${step}-${Date.now().toString(36)}${randomSuffix(8)}.bin`;
}

/** A fresh name for a manifest being written, renamed to {@link MANIFEST_NAME} when complete. */
export function newTemporaryManifestName(): string {
  return `${MANIFEST_NAME}.tmp-${randomSuffix(10)}`;
}

/** The name under which a save moves an unreadable manifest aside. */
export function corruptManifestName(): string {
  return `${MANIFEST_NAME}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomSuffix(4)}`;
}

/** Whether `name` is a weights file that a save wrote (a candidate orphan when no manifest names it). */
export function isWeightsFileName(name: string): boolean {
  return WEIGHTS_FILE.test(name);
}

/** Whether `name` is a temporary file of a save (a manifest being written, a lock being broken). */
export function isTemporaryFileName(name: string): boolean {
  return TEMPORARY_FILE.test(name);
}
