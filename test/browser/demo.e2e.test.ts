/**
 * Drives the demo page (examples/browser) in Chromium with playwright-core: the default backend (the
 * fastest measured in the page: wasm, as WebGL and WebGPU run in software here), sample a pretrained generator (rows labelled by class),
 * start training (Start disabled while it runs), stop at a target step, watch the sample grid change
 * while the page keeps drawing, check that wasm runs on every core (the page is served cross-origin
 * isolated), the ETA, save the grid as a PNG, take a screenshot, save to IndexedDB (Restore disabled
 * until something is saved), reload the page, restore, and check that the restored run is the saved one;
 * no request of the page fails (favicon included).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type ViteDevServer, createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../../vitest.browser.config.js';

const repo = resolve(__dirname, '../..');
/** Where the screenshot goes (ignored by git; docs/demo.png is the committed one). */
const SHOTS = join(repo, '.tmp', 'browser-tests');
/** The backend of the MNIST run: wasm, the fastest here (WebGL runs on SwiftShader, a CPU renderer). */
const MNIST_BACKEND = process.env.DEMO_BACKEND ?? 'wasm';

let server: ViteDevServer;
let browser: Browser;
let page: Page;
const failedRequests: string[] = [];

const text = (id: string): Promise<string> => page.locator(`#${id}`).innerText();
const stepOf = async (): Promise<number> => Number(await text('stat-step'));
const sampleStep = async (): Promise<number> => Number(await page.locator('#samples').getAttribute('data-step'));
const gridPixels = (): Promise<string> => page.evaluate(() => (document.getElementById('samples') as HTMLCanvasElement).toDataURL());

describe('the demo page', () => {
  beforeAll(async () => {
    server = await createServer({ configFile: join(repo, 'examples/browser/vite.config.ts'), logLevel: 'error', server: { port: 0, strictPort: false } });
    await server.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args] });
    page = await browser.newPage({ viewport: { width: 1180, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
    });
    // The dev server transforms the library's modules on this first load; with the other browser test
    // files running beside it on two cores that took over 30 s (playwright's default) once.
    await page.goto(server.resolvedUrls?.local[0] ?? 'http://localhost:5173/', { timeout: 180_000 });
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The page times a training step on webgpu, webgl and wasm in its worker and picks the fastest.
    // WebGL and WebGPU run on SwiftShader here, so wasm wins by measurement.
    await page.waitForFunction(() => (document.getElementById('backend') as HTMLSelectElement).dataset.measured !== undefined, null, { timeout: 120_000 });
    const measured = await text('stat-measured');
    const figure = (name: string): number => Number(new RegExp(`${name}: ([0-9]+) ms`).exec(measured)?.[1] ?? NaN);
    expect(measured).toMatch(/^wasm: [0-9]+ ms/);
    for (const gpu of ['webgl', 'webgpu']) expect(figure(gpu)).toBeGreaterThan(figure('wasm'));
    expect(await page.locator('#backend').inputValue()).toBe('wasm');
    expect(await page.locator('#backend').getAttribute('data-measured')).toBe('wasm');
    // Nothing saved in this browser yet: nothing to restore.
    await page.waitForFunction(() => (document.getElementById('restore') as HTMLButtonElement).disabled, null, { timeout: 30_000 });
  }, 240_000);
  afterAll(async () => {
    expect(failedRequests).toEqual([]);
    await browser?.close();
    await server?.close();
  });

  it('samples a pretrained generator before any training: a row per digit, then one digit', async () => {
    await page.selectOption('#backend', 'wasm');
    await page.selectOption('#pretrained', 'mnist');
    await page.click('#sample-pretrained');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'pretrained', null, { timeout: 120_000 });
    await page.waitForFunction(() => Number(document.getElementById('samples')?.getAttribute('data-step')) >= 0, null, { timeout: 60_000 });
    expect(await text('status')).toMatch(/Sampling the pretrained mnist generator with wasm/);
    // Ten classes to pick from besides 'all'; the grid is 8 columns by 10 rows of 28x28 digits.
    expect(await page.locator('#class option').count()).toBe(11);
    // Each row is labelled with its digit.
    expect(await page.locator('#samples').getAttribute('data-row-labels')).toBe('0,1,2,3,4,5,6,7,8,9');
    const height = await page.evaluate(() => (document.getElementById('samples') as HTMLCanvasElement).height);
    expect(height).toBe(360);
    const allDigits = await gridPixels();
    await page.selectOption('#class', '7');
    await page.waitForFunction((before) => (document.getElementById('samples') as HTMLCanvasElement).toDataURL() !== before, allDigits, { timeout: 60_000 });
    // The explorer: a latent walk of 9 digits (the picked class, 7) and a class walk from 0 to 1.
    await page.click('#explore');
    await page.waitForFunction(() => (document.getElementById('explore-walk') as HTMLCanvasElement).dataset.seeds === '1-2', null, { timeout: 60_000 });
    const walk = await page.evaluate(() => {
      const canvas = document.getElementById('explore-walk') as HTMLCanvasElement;
      return { ratio: canvas.width / canvas.height, morphShown: !(document.getElementById('explore-morph') as HTMLCanvasElement).hidden };
    });
    expect(walk.ratio).toBeCloseTo((9 * 29 + 1) / 30, 0);
    expect(walk.morphShown).toBe(true);
    const firstWalk = await page.evaluate(() => (document.getElementById('explore-walk') as HTMLCanvasElement).toDataURL());
    await page.fill('#explore-to', '3');
    await page.click('#explore');
    await page.waitForFunction((before) => (document.getElementById('explore-walk') as HTMLCanvasElement).toDataURL() !== before, firstWalk, { timeout: 60_000 });
    // Training buttons stay as they were: nothing to pause or save.
    expect(await page.locator('#pause').isDisabled()).toBe(true);
    expect(await page.locator('#save').isDisabled()).toBe(true);
  }, 300_000);

  it('trains the 2-D ring with WebGL in the worker: the plot changes and the page keeps drawing', async () => {
    await page.selectOption('#backend', 'webgl');
    await page.selectOption('#dataset', 'ring');
    await page.fill('#target-steps', '100000');
    await page.click('#start');
    await page.waitForFunction(() => Number(document.getElementById('samples')?.getAttribute('data-step')) >= 0, null, { timeout: 120_000 });
    // No second run while this one trains (the worker reports that it runs just after its first sample).
    await page.waitForFunction(() => (document.getElementById('start') as HTMLButtonElement).disabled, null, { timeout: 30_000 });
    expect(await page.locator('#sample-pretrained').isDisabled()).toBe(true);
    const firstPlot = await gridPixels();
    const firstSampleStep = await sampleStep();
    const framesBefore = Number(await text('stat-frames'));
    await page.waitForFunction((step) => Number(document.getElementById('samples')?.getAttribute('data-step')) > step + 2, firstSampleStep, { timeout: 120_000 });
    expect(await gridPixels()).not.toBe(firstPlot);
    expect(await text('stat-backend')).toBe('webgl');
    expect(Number(await text('stat-speed'))).toBeGreaterThan(0);
    expect(await page.locator('#status').getAttribute('data-state')).not.toBe('error');
    // The page drew frames while the worker trained.
    expect(Number(await text('stat-frames'))).toBeGreaterThan(framesBefore);
    // A target a few steps ahead: the run stops there by itself, and Start is enabled again.
    await page.fill('#target-steps', String((await stepOf()) + 5));
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'paused', null, { timeout: 60_000 });
    expect(await text('status')).toMatch(/Reached the target of \d+ steps/);
    await page.waitForFunction(() => !(document.getElementById('start') as HTMLButtonElement).disabled, null, { timeout: 30_000 });
  }, 300_000);

  it('trains the conditional MNIST GAN: the grid changes, the tensor count stays flat, per-class sampling', async () => {
    await page.selectOption('#backend', MNIST_BACKEND);
    await page.selectOption('#dataset', 'mnist');
    await page.fill('#target-steps', '100000');
    await page.click('#start');
    await page.waitForFunction(() => document.getElementById('stat-backend')?.textContent !== 'webgl', null, { timeout: 180_000 });
    await page.waitForFunction(() => Number(document.getElementById('samples')?.getAttribute('data-step')) >= 0, null, { timeout: 180_000 });
    const firstGrid = await gridPixels();
    const firstSampleStep = await sampleStep();
    await page.waitForFunction((step) => Number(document.getElementById('samples')?.getAttribute('data-step')) > step + 2, firstSampleStep, { timeout: 180_000 });
    expect(await gridPixels()).not.toBe(firstGrid);
    expect(await text('stat-backend')).toBe(MNIST_BACKEND);
    if (MNIST_BACKEND === 'wasm') {
      // The page is cross-origin isolated, so the worker's wasm backend runs on every core (up to 8).
      const cores = await page.evaluate(() => Math.min(8, navigator.hardwareConcurrency));
      // Chromium has relaxed SIMD; tfjs-gan's kernels run their fused multiply-add build where it measures faster.
      const simd = await page.locator('#stat-backend').getAttribute('data-simd');
      expect(['relaxed', 'simd128']).toContain(simd);
      expect(await text('status')).toContain(`with wasm (${cores} thread${cores === 1 ? '' : 's'}${simd === 'relaxed' ? ', relaxed SIMD' : ''})`);
    }
    // The tensor count the worker reports stays flat from step to step.
    const tensors = Number(await text('stat-tensors'));
    const step = await stepOf();
    await page.waitForFunction((s) => Number(document.getElementById('stat-step')?.textContent) > s + 2, step, { timeout: 120_000 });
    expect(Number(await text('stat-tensors'))).toBe(tensors);
    // The time left to the target step.
    expect(await text('stat-eta')).toMatch(/^\d+ (min \d+ )?s$/);
    // The grid saves as a PNG.
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#save-grid')]);
    expect(file.suggestedFilename()).toMatch(/^tfjs-gan-samples-step-\d+\.png$/);
    // Per-class sampling: the grid of one digit differs from the grid of all digits.
    const allClasses = await gridPixels();
    await page.selectOption('#class', '3');
    await page.waitForFunction((before) => (document.getElementById('samples') as HTMLCanvasElement).toDataURL() !== before, allClasses, { timeout: 60_000 });
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'demo.png') });
  }, 400_000);

  it('saves to IndexedDB, and after a reload restores the saved run', async () => {
    await page.click('#pause');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'paused', null, { timeout: 60_000 });
    await page.fill('#checkpoint-name', 'e2e');
    await page.click('#save');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'saved', null, { timeout: 60_000 });
    const savedStep = Number(/step (\d+)/.exec(await text('status'))?.[1]);
    expect(savedStep).toBeGreaterThan(0);

    await page.reload();
    // The measurement is cached for this browser and GPU: the reloaded page does not measure again.
    await page.waitForFunction(() => (document.getElementById('backend') as HTMLSelectElement).dataset.measured === 'wasm', null, { timeout: 10_000 });
    expect(await text('stat-measured')).toMatch(/^wasm: [0-9]+ ms/);
    await page.selectOption('#backend', MNIST_BACKEND);
    await page.fill('#checkpoint-name', 'no-such-run');
    await page.waitForFunction(() => (document.getElementById('restore') as HTMLButtonElement).disabled, null, { timeout: 30_000 });
    await page.fill('#checkpoint-name', 'e2e');
    await page.click('#restore');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'paused', null, { timeout: 120_000 });
    expect(await stepOf()).toBe(savedStep);
    expect(await sampleStep()).toBe(savedStep);
    // The restored run trains on from the saved step.
    await page.click('#resume');
    await page.waitForFunction((s) => Number(document.getElementById('stat-step')?.textContent) > s, savedStep, { timeout: 120_000 });
    await page.click('#pause');
  }, 400_000);
});
