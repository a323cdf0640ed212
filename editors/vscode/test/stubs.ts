/**
 * Stand-ins for the `vscode` and `vscode-languageclient/node` modules, so `activate()` runs
 * under plain `node --test` without downloading VS Code (anchors §4.5). Importing this module
 * installs a `Module._load` hook; the bundles built by `esbuild.mjs --tests` leave both
 * modules external, so every `require` of them lands here.
 */

import Module from 'node:module';

type Listener<T> = (event: T) => unknown;

export interface Layers {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export class FakeUri {
  constructor(readonly fsPath: string) {}
  static parse(value: string): FakeUri {
    return new FakeUri(decodeURIComponent(value.replace(/^file:\/\//, '')));
  }
  static file(path: string): FakeUri {
    return new FakeUri(path);
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export interface ConfigChange {
  affectsConfiguration(section: string): boolean;
}

/** Settings by full key (`credls.path`), plus the defaults VS Code would fill in. */
class FakeWorkspace {
  readonly settings = new Map<string, Layers>();
  readonly defaults = new Map<string, unknown>();
  workspaceFolders: Array<{ uri: FakeUri; name: string; index: number }> = [];
  readonly configListeners: Array<Listener<ConfigChange>> = [];
  readonly trustListeners: Array<Listener<void>> = [];

  getConfiguration(section: string, _scope?: unknown) {
    return {
      get: (key: string): unknown => {
        const layers = this.settings.get(`${section}.${key}`) ?? {};
        return (
          layers.workspaceFolderValue ??
          layers.workspaceValue ??
          layers.globalValue ??
          this.defaults.get(`${section}.${key}`)
        );
      },
      inspect: (key: string) => ({
        key: `${section}.${key}`,
        defaultValue: this.defaults.get(`${section}.${key}`),
        ...this.settings.get(`${section}.${key}`),
      }),
    };
  }

  getWorkspaceFolder(uri: FakeUri) {
    return this.workspaceFolders.find((f) => uri.fsPath.startsWith(`${f.uri.fsPath}/`));
  }

  onDidChangeConfiguration(listener: Listener<ConfigChange>) {
    this.configListeners.push(listener);
    return { dispose: () => this.configListeners.splice(this.configListeners.indexOf(listener), 1) };
  }

  onDidGrantWorkspaceTrust(listener: Listener<void>) {
    this.trustListeners.push(listener);
    return { dispose: () => this.trustListeners.splice(this.trustListeners.indexOf(listener), 1) };
  }

  /** Fire a change event for the given full keys, as VS Code does after a settings edit. */
  fireChange(...keys: string[]): void {
    const event: ConfigChange = {
      affectsConfiguration: (section) =>
        keys.some((key) => key === section || key.startsWith(`${section}.`)),
    };
    for (const listener of [...this.configListeners]) {
      listener(event);
    }
  }
}

export class FakeOutputChannel {
  readonly lines: string[] = [];
  shown = 0;
  disposed = false;
  constructor(
    readonly name: string,
    readonly options: unknown,
  ) {}
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
  appendLine(message: string): void {
    this.lines.push(message);
  }
  show(): void {
    this.shown += 1;
  }
  dispose(): void {
    this.disposed = true;
  }
}

export class FakeLanguageClient {
  static instances: FakeLanguageClient[] = [];
  /** When set, `start()` rejects with this error. */
  static startError: Error | undefined;

  readonly notifications: Array<{ method: string; params: unknown }> = [];
  started = false;
  stopped = false;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly serverOptions: { command: string; args: string[]; options?: unknown },
    readonly clientOptions: Record<string, any>,
  ) {
    FakeLanguageClient.instances.push(this);
  }

  async start(): Promise<void> {
    if (FakeLanguageClient.startError) {
      throw FakeLanguageClient.startError;
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  async sendNotification(method: string, params: unknown): Promise<void> {
    this.notifications.push({ method, params });
  }
}

export const fake = {
  workspace: new FakeWorkspace(),
  outputChannels: [] as FakeOutputChannel[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  errorMessages: [] as string[],

  reset(): void {
    this.workspace = new FakeWorkspace();
    this.outputChannels = [];
    this.commands = new Map();
    this.errorMessages = [];
    FakeLanguageClient.instances = [];
    FakeLanguageClient.startError = undefined;
  },
};

const vscodeStub = {
  Uri: FakeUri,
  get workspace() {
    return fake.workspace;
  },
  window: {
    createOutputChannel(name: string, options?: unknown) {
      const channel = new FakeOutputChannel(name, options);
      fake.outputChannels.push(channel);
      return channel;
    },
    async showErrorMessage(message: string): Promise<string | undefined> {
      fake.errorMessages.push(message);
      return undefined;
    },
  },
  commands: {
    registerCommand(id: string, handler: (...args: unknown[]) => unknown) {
      fake.commands.set(id, handler);
      return { dispose: () => fake.commands.delete(id) };
    },
  },
};

const languageClientStub = { LanguageClient: FakeLanguageClient };

const stubs: Record<string, unknown> = {
  vscode: vscodeStub,
  'vscode-languageclient/node': languageClientStub,
};

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Load };
const originalLoad = moduleWithLoad._load;
moduleWithLoad._load = function load(request: string, parent: unknown, isMain: boolean) {
  if (Object.prototype.hasOwnProperty.call(stubs, request)) {
    return stubs[request];
  }
  return originalLoad.call(this, request, parent, isMain);
};

/** A minimal ExtensionContext: only `subscriptions` is used by the extension. */
export function fakeContext(): { subscriptions: Array<{ dispose(): unknown }> } {
  return { subscriptions: [] };
}
