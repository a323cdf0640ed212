import assert from 'node:assert/strict';
import { test } from 'node:test';

import { documentSelector } from '../src/selectors';

test('file and untitled documents of every credls language, nothing else', () => {
  const got = documentSelector()
    .map((f) => `${f.scheme}:${f.language}`)
    .sort();
  assert.deepEqual(got, [
    'file:aws-config',
    'file:aws-credentials',
    'file:ini',
    'file:powershell',
    'untitled:aws-config',
    'untitled:aws-credentials',
    'untitled:ini',
    'untitled:powershell',
  ]);
});
