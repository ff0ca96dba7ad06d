/**
 * Input and output: PNG/JPEG images, sample grids and checkpoints. The package exposes this module as
 * the `io` namespace.
 *
 * @packageDocumentation
 */
export { type DecodeImageOptions, type DecodedImage, type ImageChannels, decodePng, encodePng } from './png.js';
export { decodeJpeg } from './jpeg.js';
export { DEFAULT_MAX_PIXELS } from './image-header.js';
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
  type NetworkRecord,
  type OptimizerRecord,
  type UnsignedManifest,
  type WeightEntry,
} from './checkpoint-manifest.js';
export { MANIFEST_NAME, type CheckpointContent, type SaveOptions, exportCheckpoint, importCheckpoint, readCheckpointManifest } from './checkpoint.js';
export {
  CHECKPOINT_SCHEMES,
  type CheckpointFiles,
  type CheckpointLocation,
  type CheckpointStore,
  isCheckpointStore,
  openCheckpointStore,
} from './checkpoint-store.js';
export { INDEXEDDB_CHECKPOINTS, deleteIndexedDbCheckpoint, listIndexedDbCheckpoints } from './indexeddb-store.js';
export { type MemoryStore, filesFromBlobs, memoryStore } from './memory-store.js';
export { type ChartGuide, type ChartSeries, type LineChartOptions, lineChartSvg } from './line-chart.js';
