// Checks (or with --write, fixes) the formatting of editors/nvim/**/*.lua with StyLua's
// WebAssembly build, using the settings of editors/nvim/.stylua.toml (the nvim-lspconfig
// conventions: 2 spaces, 120 columns, single quotes).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as stylua from '@johnnymorganz/stylua';

const nvimDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'nvim');
const write = process.argv.includes('--write');

function luaFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return luaFiles(path);
    return entry.name.endsWith('.lua') ? [path] : [];
  });
}

// formatCode takes ownership of the (WebAssembly) config, so build one per file.
function config() {
  const c = stylua.Config.new();
  c.indent_type = stylua.IndentType.Spaces;
  c.indent_width = 2;
  c.column_width = 120;
  c.quote_style = stylua.QuoteStyle.AutoPreferSingle;
  c.line_endings = stylua.LineEndings.Unix;
  return c;
}

let unformatted = 0;
for (const file of luaFiles(nvimDir)) {
  const source = readFileSync(file, 'utf8');
  const formatted = stylua.formatCode(source, config(), undefined, stylua.OutputVerification.None);
  if (formatted !== source) {
    unformatted += 1;
    console.log(`${write ? 'formatted' : 'not formatted'}: ${relative(process.cwd(), file)}`);
    if (write) writeFileSync(file, formatted);
  }
}
process.exitCode = unformatted > 0 && !write ? 1 : 0;
