/**
 * Input and output: PNG/JPEG images, sample grids and checkpoints. The package exposes this module as
 * the `io` namespace.
 *
 * @packageDocumentation
 */
export { type DecodedImage, type ImageChannels, decodePng, encodePng } from './png.js';
export { decodeJpeg } from './jpeg.js';
export {
  IMAGE_GRID_DEFAULTS,
  type ImageGrid,
  type ImageGridOptions,
  encodeImageGrid,
  imageGrid,
  saveImageGrid,
} from './image-grid.js';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointManifest,
  type LoadOverrides,
  type NetworkRecord,
  type OptimizerRecord,
  type WeightEntry,
  MANIFEST_NAME,
  type SaveOptions,
  loadTrainer,
  readCheckpointManifest,
  saveTrainer,
} from './checkpoint.js';
export { type CheckpointStore, openCheckpointStore } from './checkpoint-store.js';
