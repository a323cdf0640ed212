/**
 * VS Code entry point: starts `credls serve` over stdio and keeps it in step with settings.
 *
 * The decisions (which command, which documents, which settings) live in pure modules; this
 * file only wires them to the `vscode` and `vscode-languageclient` APIs.
 */

import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';

import { documentSelector } from './selectors';
import { describeCommand, resolveServerCommand } from './serverCommand';
import { SERVER_SETTINGS, type ServerSettings, toServerSettings } from './settings';
import type { VariableContext } from './variables';

export const CLIENT_ID = 'credls';
const CLIENT_NAME = 'credls';
const SECTION = 'credls';
/** Settings that change the server process itself; every other change is sent live. */
const RESTART_SETTINGS = ['credls.path', 'credls.interpreter'] as const;
/** Coalesce bursts of settings edits into one restart (as the MS template does). */
export const RESTART_DELAY_MS = 1000;

function variableContext(folder: vscode.WorkspaceFolder | undefined): VariableContext {
  return {
    workspaceFolder: (folder ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath,
    userHome: os.homedir(),
    env: process.env,
  };
}

export class CredlsController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)),
      // credls.path / credls.interpreter from the workspace only count once it is trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.scheduleRestart()),
    );
  }

  /** Settings for documents under `scope` (a folder or file URI), as the server expects. */
  serverSettings(scope: vscode.Uri | undefined): ServerSettings {
    const config = vscode.workspace.getConfiguration(SECTION, scope);
    const folder = scope ? vscode.workspace.getWorkspaceFolder(scope) : undefined;
    const { settings, problems } = toServerSettings(
      (key) => config.inspect(key),
      variableContext(folder),
    );
    for (const problem of problems) {
      this.output.warn(`settings: ${problem}`);
    }
    return settings;
  }

  private middleware(): Middleware {
    return {
      workspace: {
        // Answer `credls` with explicitly set values only (see settings.ts); leave any other
        // section to the default handler.
        configuration: async (params, token, next) => {
          const defaults = await next(params, token);
          if (!Array.isArray(defaults)) {
            return defaults;
          }
          return params.items.map((item, i) =>
            item.section === SECTION
              ? this.serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
              : defaults[i],
          );
        },
      },
    };
  }

  private createClient(): LanguageClient {
    const config = vscode.workspace.getConfiguration(SECTION);
    const resolved = resolveServerCommand(
      { path: config.get('path'), interpreter: config.get('interpreter') },
      variableContext(undefined),
    );
    for (const problem of resolved.problems) {
      this.output.warn(`settings: ${problem}`);
    }
    this.output.info(`Starting credls (from ${resolved.source}): ${describeCommand(resolved)}`);
    // No `transport`: stdio without the `--stdio` argument the client would otherwise append.
    const serverOptions: ServerOptions = {
      command: resolved.command,
      args: [...resolved.args],
      options: { env: process.env },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      initializationOptions: this.serverSettings(undefined),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      middleware: this.middleware(),
    };
    return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  }

  async start(): Promise<void> {
    if (this.client) {
      return;
    }
    const client = this.createClient();
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.output.error(`credls failed to start: ${message}`);
      void vscode.window
        .showErrorMessage(
          'credls: the language server did not start. Install credls (pip install credls) ' +
            'or set credls.path / credls.interpreter.',
          'Show Output',
        )
        .then((choice) => {
          if (choice === 'Show Output') {
            this.output.show();
          }
        });
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.output.warn(`credls did not stop cleanly: ${message}`);
      }
    }
  }

  async restart(): Promise<void> {
    this.cancelScheduledRestart();
    await this.stop();
    await this.start();
  }

  scheduleRestart(): void {
    this.cancelScheduledRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, RESTART_DELAY_MS);
  }

  private cancelScheduledRestart(): void {
    if (this.restartTimer !== undefined) {
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
    }
  }

  /** Only these reach the server (credls.trace.server is applied by the client itself). */
  private affectsServerSettings(event: vscode.ConfigurationChangeEvent): boolean {
    return SERVER_SETTINGS.some(({ key }) => event.affectsConfiguration(`${SECTION}.${key}`));
  }

  onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (RESTART_SETTINGS.some((name) => event.affectsConfiguration(name))) {
      this.scheduleRestart();
    } else if (this.client && this.affectsServerSettings(event)) {
      // The server re-pulls `workspace/configuration` on this notification
      // (interfaces.md: "changes apply without restart").
      void this.client.sendNotification('workspace/didChangeConfiguration', { settings: null });
    }
  }

  dispose(): void {
    this.cancelScheduledRestart();
    for (const disposable of this.disposables.splice(0)) {
      disposable.dispose();
    }
    void this.stop();
  }
}

let controller: CredlsController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('credls', { log: true });
  controller = new CredlsController(output);
  const active = controller;
  context.subscriptions.push(
    output,
    active,
    vscode.commands.registerCommand('credls.restart', () => active.restart()),
    vscode.commands.registerCommand('credls.showOutput', () => output.show()),
  );
  await active.start();
}

export async function deactivate(): Promise<void> {
  const active = controller;
  controller = undefined;
  await active?.stop();
}
