/**
 * Which program runs the language server. Pure: no `vscode` import, so it is unit-tested
 * directly.
 *
 * Order (interfaces.md "Language server"; anchors §4.2): `credls.path` (an executable plus
 * leading arguments), else `credls.interpreter` (`<python> -m credls serve`), else `credls`
 * on PATH. No `--stdio` is added: the client talks stdio when no transport is given.
 */

import { expandVariables, type VariableContext } from './variables';

export type CommandSource = 'credls.path' | 'credls.interpreter' | 'PATH';

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly source: CommandSource;
  /** Problems with the settings that were skipped or only partly used (for the log). */
  readonly problems: readonly string[];
}

export interface CommandSettings {
  readonly path?: unknown;
  readonly interpreter?: unknown;
}

export const SERVE_ARGS: readonly string[] = ['serve'];
export const MODULE_ARGS: readonly string[] = ['-m', 'credls', 'serve'];
export const DEFAULT_EXECUTABLE = 'credls';

/** A usable `string[]` whose first element names a program, or a reason why not. */
function commandLine(
  name: string,
  raw: unknown,
  ctx: VariableContext,
  problems: string[],
): string[] | undefined {
  if (raw === undefined || raw === null) {
    return undefined;
  }
  if (!Array.isArray(raw) || !raw.every((part): part is string => typeof part === 'string')) {
    problems.push(`${name} must be an array of strings; ignored`);
    return undefined;
  }
  if (raw.length === 0) {
    return undefined;
  }
  if (raw[0].trim() === '') {
    problems.push(`${name}[0] is empty; ignored`);
    return undefined;
  }
  return raw.map((part) => {
    const { value, unresolved } = expandVariables(part, ctx);
    for (const variable of unresolved) {
      problems.push(`${name}: ${variable} cannot be expanded here; left as written`);
    }
    return value;
  });
}

export function resolveServerCommand(
  settings: CommandSettings,
  ctx: VariableContext,
): ServerCommand {
  const problems: string[] = [];
  const path = commandLine('credls.path', settings.path, ctx, problems);
  if (path !== undefined) {
    return {
      command: path[0],
      args: [...path.slice(1), ...SERVE_ARGS],
      source: 'credls.path',
      problems,
    };
  }
  const interpreter = commandLine('credls.interpreter', settings.interpreter, ctx, problems);
  if (interpreter !== undefined) {
    return {
      command: interpreter[0],
      args: [...interpreter.slice(1), ...MODULE_ARGS],
      source: 'credls.interpreter',
      problems,
    };
  }
  return { command: DEFAULT_EXECUTABLE, args: [...SERVE_ARGS], source: 'PATH', problems };
}

/** `command arg…` with arguments quoted where needed, for the output channel. */
export function describeCommand(cmd: Pick<ServerCommand, 'command' | 'args'>): string {
  return [cmd.command, ...cmd.args]
    .map((part) => (/^[\w@%+=:,./\\-]+$/.test(part) ? part : JSON.stringify(part)))
    .join(' ');
}
