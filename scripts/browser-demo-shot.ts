/**
 * Serves the demo page, trains in Chromium (SwiftShader for WebGL/WebGPU), and writes
 * - docs/demo.png: the page after SHOT_STEPS steps of the conditional MNIST DCGAN on SHOT_BACKEND;
 * - the steps/s of each browser backend on the demo's presets (printed as a table).
 * Run: `npx tsx scripts/browser-demo-shot.ts` (needs /usr/bin/chromium). Takes a few minutes.
 * The page is served cross-origin isolated, as `npm run demo` serves it (wasm runs on every core);
 * `ISOLATED=0` serves it without the COOP/COEP headers (wasm single-threaded), to compare.
 */
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM } from '../vitest.browser.config.js';

const repo = resolve(import.meta.dirname, '..');
const SHOT_BACKEND = process.env.SHOT_BACKEND ?? 'wasm';
const SHOT_STEPS = Number(process.env.SHOT_STEPS ?? 1500);
const MEASURE_SECONDS = Number(process.env.MEASURE_SECONDS ?? 25);
const BACKENDS = (process.env.BACKENDS ?? 'webgl,webgpu,wasm,cpu').split(',');
const DATASETS = (process.env.DATASETS ?? 'ring,mnist').split(',');

const ISOLATED = process.env.ISOLATED !== '0';

const { default: demoConfig } = await import('../examples/browser/vite.config.js');
const server = await createServer({
  ...demoConfig,
  configFile: false,
  logLevel: 'error',
  server: { ...demoConfig.server, port: 0, headers: ISOLATED ? demoConfig.server?.headers : {} },
});
await server.listen();
const url = server.resolvedUrls?.local[0] as string;
const browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args] });

async function train(backend: string, dataset: string): Promise<import('playwright-core').Page> {
  const page = await browser.newPage({ viewport: { width: 1180, height: 660 } });
  await page.goto(url);
  await page.selectOption('#backend', backend);
  await page.selectOption('#dataset', dataset);
  await page.click('#start');
  await page.waitForFunction(() => Number(document.getElementById('stat-step')?.textContent) >= 3, null, { timeout: 300_000 });
  return page;
}

const rows: string[] = [];
for (const dataset of DATASETS) {
  for (const backend of BACKENDS) {
    const page = await train(backend, dataset);
    // Steps/s over a window after the warm-up (shader compilation, first steps).
    const startStep = Number(await page.locator('#stat-step').innerText());
    const started = Date.now();
    await page.waitForTimeout(MEASURE_SECONDS * 1000);
    const steps = Number(await page.locator('#stat-step').innerText()) - startStep;
    const seconds = (Date.now() - started) / 1000;
    const state = await page.locator('#status').getAttribute('data-state');
    const threads = /\((\d+) threads?\)/.exec(await page.locator('#status').innerText())?.[1];
    const label = threads === undefined ? backend : `${backend} x${threads}`;
    rows.push(`| ${dataset} | ${label} | ${(steps / seconds).toFixed(2)} | ${steps} steps in ${seconds.toFixed(0)} s${state === 'error' ? ' (error: ' + (await page.locator('#status').innerText()) + ')' : ''} |`);
    console.log(rows[rows.length - 1]);
    await page.close();
  }
}

if (SHOT_STEPS > 0) {
  const page = await train(SHOT_BACKEND, 'mnist');
  await page.waitForFunction((n) => Number(document.getElementById('samples')?.getAttribute('data-step')) >= n, SHOT_STEPS, { timeout: 1_800_000, polling: 1000 });
  await page.click('#pause');
  await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'paused', null, { timeout: 60_000 });
  await page.screenshot({ path: join(repo, 'docs', 'demo.png') });
  console.log(`docs/demo.png: ${SHOT_BACKEND}, step ${await page.locator('#stat-step').innerText()}`);
}
console.log(['| dataset | backend | steps/s | measured |', '|---|---|---|---|', ...rows].join('\n'));
await browser.close();
await server.close();
