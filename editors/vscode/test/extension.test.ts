// Drives activate() against the stubbed host modules (see stubs.ts).
import { fake, fakeContext, FakeLanguageClient, FakeUri } from './stubs';

import assert from 'node:assert/strict';
import * as os from 'node:os';
import { beforeEach, describe, test } from 'node:test';

type ExtensionModule = typeof import('../src/extension');
// Loaded lazily, after stubs.ts has hooked `require('vscode')`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = (): ExtensionModule => require('../src/extension') as ExtensionModule;

function lastClient(): FakeLanguageClient {
  const client = FakeLanguageClient.instances.at(-1);
  assert.ok(client, 'no LanguageClient was created');
  return client;
}

function setUser(key: string, value: unknown): void {
  fake.workspace.settings.set(key, { globalValue: value });
}

beforeEach(async () => {
  await extension().deactivate();
  fake.reset();
  // What VS Code fills in from package.json for settings the user never touched.
  fake.workspace.defaults.set('credls.path', []);
  fake.workspace.defaults.set('credls.interpreter', []);
  fake.workspace.workspaceFolders = [{ uri: FakeUri.file('/ws'), name: 'ws', index: 0 }];
});

describe('activate', () => {
  test('starts `credls serve` from PATH over stdio with the credls client id', async () => {
    const context = fakeContext();
    await extension().activate(context as never);
    const client = lastClient();
    assert.equal(client.id, 'credls');
    assert.equal(client.serverOptions.command, 'credls');
    assert.deepEqual(client.serverOptions.args, ['serve']);
    assert.equal('transport' in client.serverOptions, false);
    assert.ok(client.started);
    assert.deepEqual(client.clientOptions.initializationOptions, {});
    assert.equal(client.clientOptions.documentSelector.length, 8);
    assert.ok(fake.commands.has('credls.restart'));
    assert.ok(fake.commands.has('credls.showOutput'));
    const log = fake.outputChannels[0].lines.join('\n');
    assert.match(log, /Starting credls \(from PATH\): credls serve/);
  });

  test('uses credls.interpreter with ${workspaceFolder} expanded', async () => {
    fake.workspace.settings.set('credls.interpreter', {
      workspaceValue: ['${workspaceFolder}/.venv/bin/python'],
    });
    await extension().activate(fakeContext() as never);
    const client = lastClient();
    assert.equal(client.serverOptions.command, '/ws/.venv/bin/python');
    assert.deepEqual(client.serverOptions.args, ['-m', 'credls', 'serve']);
  });

  test('initializationOptions carry only the settings the user set', async () => {
    setUser('credls.knownProfiles', ['ci-deploy']);
    setUser('credls.stores.credentialsFile', '~/creds');
    setUser('credls.stores.useUserStores', false);
    fake.workspace.defaults.set('credls.platform', 'linux');
    await extension().activate(fakeContext() as never);
    assert.deepEqual(lastClient().clientOptions.initializationOptions, {
      knownProfiles: ['ci-deploy'],
      stores: { credentialsFile: `${os.homedir()}/creds`, useUserStores: false },
    });
  });

  test('invalid settings are logged and left out', async () => {
    setUser('credls.platform', 'solaris');
    await extension().activate(fakeContext() as never);
    assert.deepEqual(lastClient().clientOptions.initializationOptions, {});
    assert.match(fake.outputChannels[0].lines.join('\n'), /warn: settings: credls\.platform/);
  });

  test('answers workspace/configuration for credls, delegates other sections', async () => {
    setUser('credls.ignore', ['CRED305']);
    await extension().activate(fakeContext() as never);
    const configuration = lastClient().clientOptions.middleware.workspace.configuration;
    const params = {
      items: [{ section: 'credls', scopeUri: 'file:///ws/deploy.ps1' }, { section: 'editor' }],
    };
    let delegated: unknown;
    const result = await configuration(params, {}, async (p: unknown) => {
      delegated = p;
      return [{ ignore: [], path: [] }, { tabSize: 4 }];
    });
    assert.equal(delegated, params);
    assert.deepEqual(result, [{ ignore: ['CRED305'] }, { tabSize: 4 }]);
  });

  test('a failed start is reported, not thrown', async () => {
    FakeLanguageClient.startError = new Error('spawn credls ENOENT');
    await extension().activate(fakeContext() as never);
    assert.match(fake.outputChannels[0].lines.join('\n'), /error: credls failed to start: .*ENOENT/);
    assert.equal(fake.errorMessages.length, 1);
    assert.match(fake.errorMessages[0], /credls\.path/);
  });
});

describe('settings changes', () => {
  test('a credls.* change is pushed live with workspace/didChangeConfiguration', async () => {
    await extension().activate(fakeContext() as never);
    fake.workspace.fireChange('credls.select');
    assert.deepEqual(lastClient().notifications, [
      { method: 'workspace/didChangeConfiguration', params: { settings: null } },
    ]);
    assert.equal(FakeLanguageClient.instances.length, 1);
  });

  test('other sections and credls.trace.server alone are not pushed', async () => {
    await extension().activate(fakeContext() as never);
    fake.workspace.fireChange('editor.tabSize');
    fake.workspace.fireChange('credls.trace.server');
    assert.deepEqual(lastClient().notifications, []);
    fake.workspace.fireChange('credls.trace.server', 'credls.stores.configFile');
    assert.equal(lastClient().notifications.length, 1);
  });

  test('credls.path changes restart the server once, after a quiet second', async () => {
    await extension().activate(fakeContext() as never);
    const first = lastClient();
    setUser('credls.path', ['/opt/credls']);
    fake.workspace.fireChange('credls.path');
    fake.workspace.fireChange('credls.path');
    assert.deepEqual(first.notifications, []);
    assert.equal(FakeLanguageClient.instances.length, 1, 'restart must be debounced');
    await new Promise((resolve) => setTimeout(resolve, extension().RESTART_DELAY_MS + 200));
    assert.ok(first.stopped);
    assert.equal(FakeLanguageClient.instances.length, 2);
    assert.equal(lastClient().serverOptions.command, '/opt/credls');
  });

  test('the credls.restart command replaces the client', async () => {
    await extension().activate(fakeContext() as never);
    const first = lastClient();
    await fake.commands.get('credls.restart')?.();
    assert.ok(first.stopped);
    assert.equal(FakeLanguageClient.instances.length, 2);
    assert.ok(lastClient().started);
  });

  test('disposing the subscriptions stops the client and the listeners', async () => {
    const context = fakeContext();
    await extension().activate(context as never);
    for (const item of context.subscriptions) {
      await item.dispose();
    }
    assert.ok(lastClient().stopped);
    assert.equal(fake.workspace.configListeners.length, 0);
    assert.ok(fake.outputChannels[0].disposed);
  });
});
