import type { Base64Files } from './node-commands.js';

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** Node trains the round-trip GAN `steps` steps, saves it to a directory and returns its files. */
    nodeSaveCheckpoint(steps: number): Promise<Base64Files>;
    /** Node loads the files, samples, trains `steps` more steps and reports. */
    nodeLoadCheckpoint(files: Base64Files, steps: number): Promise<{ loadedStep: number; step: number; samples: number[]; losses: number[] }>;
  }
}
