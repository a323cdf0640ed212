// Bundles the extension (default) or the node:test suites (--tests).
//   node esbuild.mjs               dist/extension.js with source map
//   node esbuild.mjs --production  dist/extension.js minified, no source map (what vsce packs)
//   node esbuild.mjs --tests       out/test/*.test.js, with `vscode` and the language client
//                                  left external so the tests can stub them
import { readdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
};

if (tests) {
  await esbuild.build({
    ...common,
    entryPoints: readdirSync('test')
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `test/${name}`),
    outdir: 'out/test',
    external: ['vscode', 'vscode-languageclient/node'],
    sourcemap: 'inline',
  });
} else {
  await esbuild.build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  });
}
