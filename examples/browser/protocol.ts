/**
 * The messages between the demo page and its training worker. The worker owns every tensor; the page
 * sees plain numbers and pixels.
 */
import type { BackendName, io } from 'tfjs-gan';

/** The datasets the demo offers. */
export type DatasetChoice = 'mnist' | 'ring' | 'grid' | 'files';

/** The pretrained generators the demo offers (`Generator.pretrained`). */
export type PretrainedChoice = 'mnist' | 'fashion-mnist';

/** Backends a page can use. */
export type BrowserBackend = Exclude<BackendName, 'tensorflow'>;

/** Page to worker. */
export type Command =
  | { readonly type: 'start'; readonly backend: BrowserBackend; readonly dataset: DatasetChoice; readonly files?: readonly File[] }
  | { readonly type: 'pretrained'; readonly backend: BrowserBackend; readonly name: PretrainedChoice }
  /** Time a training step on each backend (`measureBackends`) to pick the default. */
  | { readonly type: 'measure'; readonly backends: readonly BrowserBackend[] }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'sample'; readonly label: number | 'all' }
  | {
      /** The explorer: a walk between two latents (for one class), and for conditional generators a walk between two classes. */
      readonly type: 'explore';
      readonly from: number;
      readonly to: number;
      readonly label?: number;
      readonly morph?: { readonly from: number; readonly to: number };
    }
  | { readonly type: 'save'; readonly url: string }
  | { readonly type: 'export' }
  | { readonly type: 'load'; readonly backend: BrowserBackend; readonly url?: string; readonly files?: io.CheckpointFiles; readonly dataset: DatasetChoice; readonly userFiles?: readonly File[] };

/** What the page shows of a sample: an image grid (RGBA) or 2-D points with the real ones. */
export type SampleView =
  | {
      readonly kind: 'grid';
      readonly width: number;
      readonly height: number;
      readonly rgba: Uint8ClampedArray;
      /** A label per row of the grid (the class of each row), when rows are classes. */
      readonly rowLabels?: readonly string[];
    }
  | { readonly kind: 'points'; readonly fake: Float32Array; readonly real: Float32Array };

/** Worker to page. */
export type Report =
  | {
      readonly type: 'ready';
      readonly backend: string;
      /** wasm only: the threads it runs on (1 unless the page is cross-origin isolated). */
      readonly threads?: number;
      /** wasm only: the build of tfjs-gan's kernels, 'relaxed' (relaxed SIMD) or 'simd128'. */
      readonly simd?: string;
      readonly dataset: string;
      readonly classNames: readonly string[];
      readonly step: number;
      /** A pretrained generator to sample (nothing trains), or a run to train. */
      readonly mode: 'pretrained' | 'training';
    }
  | { readonly type: 'step'; readonly step: number; readonly dLoss: number; readonly gLoss: number; readonly stepsPerSecond: number; readonly numTensors: number }
  | { readonly type: 'sample'; readonly step: number; readonly view: SampleView }
  | { readonly type: 'explored'; readonly walk: SampleView; readonly morph?: SampleView }
  | { readonly type: 'state'; readonly running: boolean }
  | { readonly type: 'measured'; readonly results: readonly Measurement[] }
  | { readonly type: 'saved'; readonly url: string; readonly step: number }
  | { readonly type: 'exported'; readonly files: io.CheckpointFiles }
  | { readonly type: 'error'; readonly message: string };

/** One backend's time for a small training step on this device (`measureBackends`). */
export interface Measurement {
  readonly backend: BrowserBackend;
  /** Median milliseconds of a step; `null` when the backend failed here. */
  readonly msPerStep: number | null;
  readonly error?: string;
}
