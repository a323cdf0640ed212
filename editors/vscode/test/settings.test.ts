import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { explicitValue, type Inspection, SERVER_SETTINGS, toServerSettings } from '../src/settings';
import type { VariableContext } from '../src/variables';

const ctx: VariableContext = { workspaceFolder: '/work/repo', userHome: '/home/ada', env: {} };

/** An `inspect` over user-level values only. */
const userSettings =
  (values: Record<string, unknown>) =>
  (key: string): Inspection | undefined =>
    key in values ? { globalValue: values[key] } : {};

describe('explicitValue', () => {
  const cases: Array<[string, Inspection | undefined, unknown]> = [
    ['nothing set', {}, undefined],
    ['no inspection at all', undefined, undefined],
    ['user only', { globalValue: ['a'] }, ['a']],
    ['workspace beats user', { globalValue: 'v4', workspaceValue: 'v5' }, 'v5'],
    [
      'folder beats workspace and user',
      { globalValue: 1, workspaceValue: 2, workspaceFolderValue: 3 },
      3,
    ],
    ['false is a value, not "unset"', { globalValue: true, workspaceValue: false }, false],
    ['null counts as unset', { globalValue: 'linux', workspaceValue: null }, 'linux'],
  ];
  for (const [name, inspection, expected] of cases) {
    test(name, () => assert.deepEqual(explicitValue(inspection), expected));
  }
});

describe('toServerSettings', () => {
  test('nothing set → empty object (defaults come from .credls.toml / the server)', () => {
    const { settings, problems } = toServerSettings(() => ({}), ctx);
    assert.deepEqual(settings, {});
    assert.deepEqual(problems, []);
  });

  test('every key is forwarded in camelCase, stores nested', () => {
    const { settings, problems } = toServerSettings(
      userSettings({
        select: ['CRED1', 'duplicate-key'],
        ignore: ['CRED305'],
        severity: { CRED104: 'error', 'inline-comment': 'hint' },
        consumers: ['powershell', 'go'],
        knownProfiles: ['ci-deploy'],
        exclude: ['vendor/**'],
        platform: 'windows',
        powershellVersion: 'v5',
        'stores.credentialsFile': '~/.aws/credentials',
        'stores.configFile': '${workspaceFolder}/aws/config',
        'stores.sdkStore': '${userHome}/RegisteredAccounts.json',
        'stores.useUserStores': false,
      }),
      ctx,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      select: ['CRED1', 'duplicate-key'],
      ignore: ['CRED305'],
      severity: { CRED104: 'error', 'inline-comment': 'hint' },
      consumers: ['powershell', 'go'],
      knownProfiles: ['ci-deploy'],
      exclude: ['vendor/**'],
      platform: 'windows',
      powershellVersion: 'v5',
      stores: {
        credentialsFile: '/home/ada/.aws/credentials',
        configFile: '/work/repo/aws/config',
        sdkStore: '/home/ada/RegisteredAccounts.json',
        useUserStores: false,
      },
    });
  });

  test('an empty list is sent: it means "none", unlike unset', () => {
    const { settings } = toServerSettings(userSettings({ select: [] }), ctx);
    assert.deepEqual(settings, { select: [] });
  });

  test('an empty store path means "default" and is not sent', () => {
    const { settings } = toServerSettings(userSettings({ 'stores.configFile': '  ' }), ctx);
    assert.deepEqual(settings, {});
  });

  const invalid: Array<[string, Record<string, unknown>, RegExp, Record<string, unknown>]> = [
    ['select not a list', { select: 'CRED1' }, /credls\.select must be an array/, {}],
    ['list with a number', { knownProfiles: ['a', 3] }, /credls\.knownProfiles must be/, {}],
    ['unknown consumer', { consumers: ['botocore', 'java'] }, /"java"/, {}],
    ['unknown platform', { platform: 'solaris' }, /credls\.platform: "solaris"/, {}],
    ['unknown PowerShell version', { powershellVersion: 'v3' }, /powershellVersion/, {}],
    ['boolean as string', { 'stores.useUserStores': 'false' }, /true or false/, {}],
    ['store path not a string', { 'stores.sdkStore': 42 }, /sdkStore must be a string/, {}],
    ['severity not an object', { severity: ['error'] }, /credls\.severity must be an object/, {}],
    [
      'one bad severity keeps the good ones',
      { severity: { CRED101: 'fatal', CRED102: 'error' } },
      /credls\.severity\.CRED101: "fatal"/,
      { severity: { CRED102: 'error' } },
    ],
  ];
  for (const [name, values, problem, expected] of invalid) {
    test(`invalid: ${name}`, () => {
      const { settings, problems } = toServerSettings(userSettings(values), ctx);
      assert.deepEqual(settings, expected);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], problem);
    });
  }

  test('folder-level values win over user-level ones', () => {
    const { settings } = toServerSettings(
      (key) =>
        key === 'platform' ? { globalValue: 'linux', workspaceFolderValue: 'windows' } : {},
      ctx,
    );
    assert.deepEqual(settings, { platform: 'windows' });
  });

  test('asks only for the documented keys', () => {
    const asked: string[] = [];
    toServerSettings((key) => {
      asked.push(key);
      return {};
    }, ctx);
    assert.deepEqual(asked, SERVER_SETTINGS.map((s) => s.key));
  });
});
