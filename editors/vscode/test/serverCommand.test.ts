import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { describeCommand, resolveServerCommand } from '../src/serverCommand';
import type { VariableContext } from '../src/variables';

const ctx: VariableContext = {
  workspaceFolder: '/work/repo',
  userHome: '/home/ada',
  env: { VENV: '/opt/venv' },
};

interface Case {
  name: string;
  settings: { path?: unknown; interpreter?: unknown };
  command: string;
  args: string[];
  source: string;
  problems?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'nothing set: credls on PATH',
    settings: {},
    command: 'credls',
    args: ['serve'],
    source: 'PATH',
  },
  {
    name: 'empty arrays (the manifest defaults): credls on PATH',
    settings: { path: [], interpreter: [] },
    command: 'credls',
    args: ['serve'],
    source: 'PATH',
  },
  {
    name: 'credls.path alone',
    settings: { path: ['/opt/credls/bin/credls'] },
    command: '/opt/credls/bin/credls',
    args: ['serve'],
    source: 'credls.path',
  },
  {
    name: 'credls.path keeps leading arguments before serve',
    settings: { path: ['pipx', 'run', 'credls'] },
    command: 'pipx',
    args: ['run', 'credls', 'serve'],
    source: 'credls.path',
  },
  {
    name: 'credls.path wins over credls.interpreter',
    settings: { path: ['credls-dev'], interpreter: ['/usr/bin/python3'] },
    command: 'credls-dev',
    args: ['serve'],
    source: 'credls.path',
  },
  {
    name: 'credls.interpreter runs the module',
    settings: { interpreter: ['${workspaceFolder}/.venv/bin/python'] },
    command: '/work/repo/.venv/bin/python',
    args: ['-m', 'credls', 'serve'],
    source: 'credls.interpreter',
  },
  {
    name: 'credls.interpreter keeps interpreter flags before -m',
    settings: { interpreter: ['python3', '-X', 'utf8'] },
    command: 'python3',
    args: ['-X', 'utf8', '-m', 'credls', 'serve'],
    source: 'credls.interpreter',
  },
  {
    name: '~, ${userHome} and ${env:…} are expanded',
    settings: { path: ['~/bin/credls', '--log-file', '${userHome}/credls.log', '${env:VENV}'] },
    command: '/home/ada/bin/credls',
    args: ['--log-file', '/home/ada/credls.log', '/opt/venv', 'serve'],
    source: 'credls.path',
  },
  {
    name: 'a wrongly typed credls.path falls through to the interpreter, with a problem',
    settings: { path: '/opt/credls', interpreter: ['python3'] },
    command: 'python3',
    args: ['-m', 'credls', 'serve'],
    source: 'credls.interpreter',
    problems: [/credls\.path must be an array of strings/],
  },
  {
    name: 'an empty program name is ignored',
    settings: { path: [''], interpreter: [' '] },
    command: 'credls',
    args: ['serve'],
    source: 'PATH',
    problems: [/credls\.path\[0\] is empty/, /credls\.interpreter\[0\] is empty/],
  },
  {
    name: 'unknown variables stay as written and are reported',
    settings: { path: ['${env:NOPE}/credls'] },
    command: '${env:NOPE}/credls',
    args: ['serve'],
    source: 'credls.path',
    problems: [/\$\{env:NOPE\} cannot be expanded/],
  },
];

describe('resolveServerCommand', () => {
  for (const c of cases) {
    test(c.name, () => {
      const got = resolveServerCommand(c.settings, ctx);
      assert.equal(got.command, c.command);
      assert.deepEqual(got.args, c.args);
      assert.equal(got.source, c.source);
      const expected = c.problems ?? [];
      assert.equal(got.problems.length, expected.length, got.problems.join('\n'));
      expected.forEach((pattern, i) => assert.match(got.problems[i], pattern));
    });
  }

  test('${workspaceFolder} without a folder is left as written', () => {
    const got = resolveServerCommand(
      { interpreter: ['${workspaceFolder}/.venv/bin/python'] },
      { userHome: '/home/ada', env: {} },
    );
    assert.equal(got.command, '${workspaceFolder}/.venv/bin/python');
    assert.match(got.problems[0], /workspaceFolder/);
  });

  test('never adds --stdio (pygls-style argparse would reject it)', () => {
    for (const settings of [{}, { path: ['x'] }, { interpreter: ['py'] }]) {
      assert.ok(!resolveServerCommand(settings, ctx).args.includes('--stdio'));
    }
  });
});

describe('describeCommand', () => {
  test('quotes only arguments that need it', () => {
    assert.equal(
      describeCommand({ command: '/opt/My Tools/python', args: ['-m', 'credls', 'serve'] }),
      '"/opt/My Tools/python" -m credls serve',
    );
  });
});
