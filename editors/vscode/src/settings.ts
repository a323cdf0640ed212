/**
 * `credls.*` VS Code settings → the server's settings object (initializationOptions and the
 * answer to `workspace/configuration` section `credls`). Pure: no `vscode` import.
 *
 * Keys are those of `.credls.toml` in camelCase (interfaces.md "Language server").
 * Only values the user actually set are sent: a VS Code default must not hide the project's
 * `.credls.toml`, which the server reads for everything left unset.
 */

import { expandVariables, type VariableContext } from './variables';

/** The layers of `WorkspaceConfiguration.inspect()` that hold user-written values. */
export interface Inspection {
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** `key` is relative to the `credls` section, e.g. `stores.credentialsFile`. */
export type Inspect = (key: string) => Inspection | undefined;

type Kind =
  | { readonly type: 'strings' }
  | { readonly type: 'enumStrings'; readonly values: readonly string[] }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'severityMap' }
  | { readonly type: 'path' }
  | { readonly type: 'boolean' };

export const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;
export const CONSUMERS = ['powershell', 'botocore', 'sdk', 'go'] as const;
export const PLATFORMS = ['windows', 'linux', 'macos'] as const;
export const POWERSHELL_VERSIONS = ['v4', 'v5'] as const;

/** Every server setting the extension forwards, in manifest order. */
export const SERVER_SETTINGS: ReadonlyArray<{ readonly key: string; readonly kind: Kind }> = [
  { key: 'select', kind: { type: 'strings' } },
  { key: 'ignore', kind: { type: 'strings' } },
  { key: 'severity', kind: { type: 'severityMap' } },
  { key: 'consumers', kind: { type: 'enumStrings', values: CONSUMERS } },
  { key: 'knownProfiles', kind: { type: 'strings' } },
  { key: 'exclude', kind: { type: 'strings' } },
  { key: 'platform', kind: { type: 'enum', values: PLATFORMS } },
  { key: 'powershellVersion', kind: { type: 'enum', values: POWERSHELL_VERSIONS } },
  { key: 'stores.credentialsFile', kind: { type: 'path' } },
  { key: 'stores.configFile', kind: { type: 'path' } },
  { key: 'stores.sdkStore', kind: { type: 'path' } },
  { key: 'stores.useUserStores', kind: { type: 'boolean' } },
];

export interface ServerSettings {
  select?: string[];
  ignore?: string[];
  severity?: Record<string, string>;
  consumers?: string[];
  knownProfiles?: string[];
  exclude?: string[];
  platform?: string;
  powershellVersion?: string;
  stores?: {
    credentialsFile?: string;
    configFile?: string;
    sdkStore?: string;
    useUserStores?: boolean;
  };
}

export interface ConvertedSettings {
  readonly settings: ServerSettings;
  readonly problems: readonly string[];
}

/** The most specific value the user wrote: folder, then workspace, then user settings. */
export function explicitValue(inspection: Inspection | undefined): unknown {
  if (inspection === undefined) {
    return undefined;
  }
  for (const value of [
    inspection.workspaceFolderValue,
    inspection.workspaceValue,
    inspection.globalValue,
  ]) {
    if (value !== undefined && value !== null) {
      return value;
    }
  }
  return undefined;
}

const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((item) => typeof item === 'string');

/** Check one value against its kind; `undefined` plus a problem when it does not fit. */
function convert(
  key: string,
  kind: Kind,
  raw: unknown,
  ctx: VariableContext,
  problems: string[],
): unknown {
  const name = `credls.${key}`;
  switch (kind.type) {
    case 'strings':
      if (isStringArray(raw)) {
        return [...raw];
      }
      problems.push(`${name} must be an array of strings; ignored`);
      return undefined;
    case 'enumStrings': {
      if (!isStringArray(raw)) {
        problems.push(`${name} must be an array of strings; ignored`);
        return undefined;
      }
      const bad = raw.filter((item) => !kind.values.includes(item));
      if (bad.length > 0) {
        problems.push(
          `${name}: unknown value(s) ${bad.map((b) => JSON.stringify(b)).join(', ')} ` +
            `(expected ${kind.values.join(', ')}); ignored`,
        );
        return undefined;
      }
      return [...raw];
    }
    case 'enum':
      if (typeof raw === 'string' && kind.values.includes(raw)) {
        return raw;
      }
      problems.push(
        `${name}: ${JSON.stringify(raw)} is not one of ${kind.values.join(', ')}; ignored`,
      );
      return undefined;
    case 'severityMap': {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        problems.push(`${name} must be an object of rule → severity; ignored`);
        return undefined;
      }
      const out: Record<string, string> = {};
      for (const [rule, severity] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof severity === 'string' && (SEVERITIES as readonly string[]).includes(severity)) {
          out[rule] = severity;
        } else {
          problems.push(
            `${name}.${rule}: ${JSON.stringify(severity)} is not one of ` +
              `${SEVERITIES.join(', ')}; ignored`,
          );
        }
      }
      return out;
    }
    case 'path': {
      if (typeof raw !== 'string') {
        problems.push(`${name} must be a string; ignored`);
        return undefined;
      }
      if (raw.trim() === '') {
        // An emptied setting means "back to the default", as in the settings UI.
        return undefined;
      }
      const { value, unresolved } = expandVariables(raw, ctx);
      for (const variable of unresolved) {
        problems.push(`${name}: ${variable} cannot be expanded here; left as written`);
      }
      return value;
    }
    case 'boolean':
      if (typeof raw === 'boolean') {
        return raw;
      }
      problems.push(`${name} must be true or false; ignored`);
      return undefined;
  }
}

/** Build the server's settings object from what the user set. */
export function toServerSettings(inspect: Inspect, ctx: VariableContext): ConvertedSettings {
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const { key, kind } of SERVER_SETTINGS) {
    const raw = explicitValue(inspect(key));
    if (raw === undefined) {
      continue;
    }
    const value = convert(key, kind, raw, ctx, problems);
    if (value === undefined) {
      continue;
    }
    const dot = key.indexOf('.');
    if (dot < 0) {
      settings[key] = value;
    } else {
      const group = key.slice(0, dot);
      const nested = (settings[group] ??= {}) as Record<string, unknown>;
      nested[key.slice(dot + 1)] = value;
    }
  }
  return { settings: settings as ServerSettings, problems };
}
