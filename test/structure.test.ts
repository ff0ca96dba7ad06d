/**
 * The layers of the library (docs/architecture.md): no import circle between the folders of src/, io
 * never imports train, losses never import nets, the CLI goes through the public entry point only, and no
 * hand-written file grows past 400 lines.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Every .ts file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ a file belongs to ('index' for files at the top). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? parts[0].replace(/\.ts$/, '') : parts[0];
}

/** The files under src/ that `file` imports (relative imports, type-only ones included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]);
  return specifiers.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(SRC);
const edges = new Map<string, Set<string>>();
for (const file of files) {
  const from = folderOf(file);
  for (const target of importsOf(file)) {
    const to = folderOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
}

/** A circle of folders, or null. */
function findCircle(): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (folder: string): string[] | null => {
    if (state.get(folder) === 'done') return null;
    if (state.get(folder) === 'open') return [...path.slice(path.indexOf(folder)), folder];
    state.set(folder, 'open');
    path.push(folder);
    for (const next of edges.get(folder) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(folder, 'done');
    return null;
  };
  for (const folder of edges.keys()) {
    const circle = visit(folder);
    if (circle) return circle;
  }
  return null;
}

describe('the structure of src/', () => {
  it('has no import circle between folders', () => {
    expect(findCircle()).toBeNull();
  });

  it('keeps io from train, losses from nets, and lower layers from the ones above', () => {
    const imports = (folder: string) => [...(edges.get(folder) ?? [])].sort();
    expect(imports('io')).not.toContain('train');
    expect(imports('losses')).not.toContain('nets');
    for (const low of ['util', 'errors', 'backend', 'layers']) {
      for (const high of ['train', 'nets', 'losses', 'io', 'data', 'metrics', 'cli', 'recipes', 'index']) {
        expect(imports(low), `${low} imports ${high}`).not.toContain(high);
      }
    }
    expect(imports('util')).toEqual(imports('util').filter((f) => f === 'errors'));
  });

  it('lets the CLI use the public entry point only', () => {
    const cli = files.filter((f) => folderOf(f) === 'cli');
    expect(cli.length).toBeGreaterThan(0);
    for (const file of cli) {
      for (const target of importsOf(file)) {
        const inside = folderOf(target) === 'cli';
        expect(inside || relative(SRC, target) === 'index.ts', `${relative(SRC, file)} imports ${relative(SRC, target)}`).toBe(true);
      }
    }
  });

  it('has no hand-written file over 400 lines (generated weights and the embedded module aside)', () => {
    const generated = (f: string) => f.includes('/metrics/weights/') || f.endsWith('/kernels-wasm.ts');
    const long = files.filter((f) => !generated(f)).map((f) => [relative(SRC, f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});
