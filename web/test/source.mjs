// Shared by the console's unit tests (not a test itself): dependency-free modules of src/
// compiled on the fly with the project's own `typescript`, in a private temporary directory that
// is removed when the process exits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let dir = null;
/** The tests' temporary directory, created on first use. */
export function tempDir() {
  if (dir === null) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-web-test-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return dir;
}

/** Imports src/NAME.ts (type-only imports are erased). */
export async function loadSource(name) {
  const src = fs.readFileSync(path.join(WEB, 'src', `${name}.ts`), 'utf8');
  const out = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020 } });
  const file = path.join(tempDir(), `${name}.mjs`);
  fs.writeFileSync(file, out.outputText);
  return import(pathToFileURL(file).href);
}
