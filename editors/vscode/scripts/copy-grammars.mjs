// vsce packs only files under the extension folder, so the grammars maintained in
// <repo>/grammars are copied into ./syntaxes (git-ignored) before bundling.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const grammarsDir = join(extensionDir, '..', '..', 'grammars');
const target = join(extensionDir, 'syntaxes');

mkdirSync(target, { recursive: true });
for (const name of ['aws-credentials.tmLanguage.json', 'aws-config.tmLanguage.json']) {
  copyFileSync(join(grammarsDir, name), join(target, name));
}
