/** The documents handed to credls. Pure: no `vscode` import. */

/**
 * Languages credls analyses (interfaces.md "Language server"): the two contributed by this
 * extension, VS Code's built-in `powershell`, and built-in `ini` (credential-like INI files
 * outside `~/.aws` still get the literal-key rules).
 */
export const LANGUAGE_IDS = ['aws-credentials', 'aws-config', 'powershell', 'ini'] as const;

/** Saved files and unsaved editors; not git/diff views or remote virtual documents. */
export const SCHEMES = ['file', 'untitled'] as const;

export interface DocumentFilter {
  readonly scheme: string;
  readonly language: string;
}

export function documentSelector(): DocumentFilter[] {
  return SCHEMES.flatMap((scheme) => LANGUAGE_IDS.map((language) => ({ scheme, language })));
}
