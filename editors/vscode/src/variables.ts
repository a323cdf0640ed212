/** Expansion of the `${…}` variables and `~` that users put in path settings. */

export interface VariableContext {
  /** The folder the setting applies to (or the first workspace folder), if any. */
  readonly workspaceFolder?: string;
  readonly userHome: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const VARIABLE = /\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g;

/**
 * Expand `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`.
 * Unknown or unavailable variables are left as written, and reported, so the user sees the
 * literal text in the log instead of a silently wrong path.
 */
export function expandVariables(
  value: string,
  ctx: VariableContext,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  let out = value.replace(VARIABLE, (whole: string, name: string, envName?: string) => {
    let replacement: string | undefined;
    if (name === 'workspaceFolder') {
      replacement = ctx.workspaceFolder;
    } else if (name === 'userHome') {
      replacement = ctx.userHome;
    } else if (envName !== undefined) {
      replacement = ctx.env[envName];
    }
    if (replacement === undefined) {
      unresolved.push(whole);
      return whole;
    }
    return replacement;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = ctx.userHome + out.slice(1);
  }
  return { value: out, unresolved };
}
