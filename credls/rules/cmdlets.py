"""Rules: cmdlet usage in PowerShell scripts (CRED4xx, rules.md), and the script entry point.

``check(doc, ctx)`` is what ``credls.analysis`` calls for a PowerShell
document: the CRED4xx findings of this module plus the flow-aware profile and
bound-literal findings of ``credls.rules.scripts``, all from one cached
``ScriptModel``. The text scanner's literal findings (``rules.security``) are
merged in by ``credls.rules.scripts.merge_literal_findings``.

CRED210 (unknown-profile-store) is declared here too: it is a finding of the
script analysis. The checks themselves live in ``credls.rules.cmdlet_checks``
(CRED401-407) and ``credls.rules.script_p2`` (CRED210, CRED408-410), imported
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from credls.diagnostic import Severity, Tag
from credls.rules.registry import rule

if TYPE_CHECKING:
    from credls.diagnostic import Diagnostic
    from credls.document import Document
    from credls.rules.context import CheckContext

DEPRECATED_CMDLET = rule(
    "CRED401",
    "deprecated-cmdlet",
    Severity.HINT,
    "A legacy cmdlet alias, or Clear-AWSCredential used to delete a profile.",
    """
    The plural names of AWS Tools for PowerShell 1.x/2.x (`Set-AWSCredentials`,
    `Initialize-AWSDefaults`, `Clear-AWSCredentials`, …) survive only as aliases in
    `AWS.Tools.Common.Aliases.psm1` and the STS aliases (`Assume-STSRole`) only in the
    monolithic modules. `Clear-AWSCredential` never deleted a stored profile: it only clears
    the shell's session credentials, and `-ProfileName` is not one of its parameters. Use
    the current cmdlet names, and `Remove-AWSCredentialProfile` to delete a profile. The
    quick fix replaces the name.
    """,
    bad="Set-AWSCredentials -ProfileName deploy\nClear-AWSCredential -ProfileName old\n",
    good="Set-AWSCredential -ProfileName deploy\nRemove-AWSCredentialProfile -ProfileName old\n",
    tags=(Tag.DEPRECATED,),
    example_language="powershell",
)

DEPRECATED_PARAMETER = rule(
    "CRED402",
    "deprecated-parameter",
    Severity.HINT,
    "A deprecated parameter name (`-StoredCredentials`, `-ListProfile`).",
    """
    `-StoredCredentials` is the name `-ProfileName` had in early releases; it is kept as an
    alias only. `Get-AWSCredential -ListProfile` (and its aliases `-ListProfiles`,
    `-ListStoredCredentials`) warns that it is deprecated: `-ListProfileDetail` lists the
    profiles with their store and location. The quick fix renames the parameter.
    """,
    bad="Get-S3Bucket -StoredCredentials deploy\nGet-AWSCredential -ListProfile\n",
    good="Get-S3Bucket -ProfileName deploy\nGet-AWSCredential -ListProfileDetail\n",
    tags=(Tag.DEPRECATED,),
    example_language="powershell",
)

OVERWRITES_DEFAULT_PROFILE = rule(
    "CRED403",
    "overwrites-default-profile",
    Severity.WARNING,
    "The call overwrites the `default` profile.",
    """
    `Initialize-AWSDefaultConfiguration` copies the profile it is given (or the credentials
    it finds, or the ones it prompts for) over the profile named `default`, and
    `Set-AWSCredential … -StoreAs default` replaces its keys. Every tool that falls back to
    `default` (the AWS CLI, SDKs, other scripts) then uses different credentials. To use a
    profile for this session only, call `Set-AWSCredential -ProfileName NAME` without
    `-StoreAs`.
    """,
    bad="Initialize-AWSDefaultConfiguration -ProfileName deploy -Region eu-west-1\n",
    good="Set-AWSCredential -ProfileName deploy\nSet-DefaultAWSRegion -Region eu-west-1\n",
    example_language="powershell",
)

AMBIGUOUS_PARAMETER = rule(
    "CRED404",
    "ambiguous-parameter",
    Severity.ERROR,
    "A parameter name abbreviation matches several parameters.",
    """
    PowerShell accepts any unique prefix of a parameter name or alias, and refuses to run a
    call whose prefix matches several: "Parameter cannot be processed because the parameter
    name 'Profile' is ambiguous. Possible matches include: -ProfileName -ProfileLocation."
    On AWS cmdlets `-Profile`, `-Prof`, `-AWSProfile`, `-A`, `-S` and `-Se` are ambiguous.
    Hashtable splat keys are matched the same way. Write the full parameter name.
    """,
    bad="Get-S3Bucket -Profile deploy\n",
    good="Get-S3Bucket -ProfileName deploy\n",
    example_language="powershell",
)

PARTIAL_LITERAL_CREDENTIALS = rule(
    "CRED405",
    "partial-literal-credentials",
    Severity.WARNING,
    "`-AccessKey` without `-SecretKey`, or the reverse.",
    """
    A service cmdlet uses supplied keys only when both `-AccessKey` and `-SecretKey` are
    given (plus `-SessionToken` for temporary keys). With one of them alone the keys are
    silently ignored and the cmdlet goes on to the next credential source (profile, session,
    environment, `default`, instance role) — the call runs with other credentials than the
    script meant. On `Set-AWSCredential` the other key is mandatory and PowerShell prompts
    for it, which hangs an unattended run.
    """,
    bad="Get-S3Bucket -AccessKey $env:CI_KEY_ID\n",
    good="Get-S3Bucket -AccessKey $env:CI_KEY_ID -SecretKey $env:CI_SECRET\n",
    example_language="powershell",
)

KEYS_OVERRIDE_PROFILE = rule(
    "CRED406",
    "keys-override-profile",
    Severity.WARNING,
    "Keys and `-ProfileName` on the same call: the keys win.",
    """
    The credential search takes supplied keys first; `-ProfileName` is then never looked
    at (not even validated), so the profile given is silently ignored. On
    `Set-AWSCredential`/`New-AWSCredential`/`Initialize-AWSDefaultConfiguration` the keys and
    the profile name belong to different parameter sets and PowerShell cannot resolve the
    call at all. Pass one or the other. On other cmdlets only literal keys are reported:
    keys held in variables may be empty at run time, and then the profile is used (a
    common "keys if given, else this profile" pattern).
    """,
    bad=(
        "Get-S3Bucket -AccessKey AKIAIOSFODNN7EXAMPLE "
        "-SecretKey wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -ProfileName deploy\n"
    ),
    good="Get-S3Bucket -ProfileName deploy\n",
    example_language="powershell",
)

MISSING_PARAMETER_VALUE = rule(
    "CRED407",
    "missing-parameter-value",
    Severity.ERROR,
    "A credential parameter is written without a value.",
    """
    A value-taking parameter such as `-ProfileName`, `-ProfileLocation`, `-AccessKey`,
    `-SecretKey`, `-SessionToken`, `-Credential` or `-StoreAs` is followed by another
    parameter or by the end of the command. PowerShell stops with "Missing an argument for
    parameter 'ProfileName'" before the cmdlet runs. Often a variable that was meant to be
    there is missing, or a line continuation was lost.
    """,
    bad="Get-S3Bucket -ProfileName -Region eu-west-1\n",
    good="Get-S3Bucket -ProfileName deploy -Region eu-west-1\n",
    example_language="powershell",
)

DUPLICATE_PARAMETER = rule(
    "CRED408",
    "duplicate-parameter",
    Severity.ERROR,
    "The same parameter is given twice (by name and alias, or name and splat).",
    """
    Binding one parameter twice — by its name and an alias (`-ProfileName a
    -AWSProfileName b`), twice by name, or by two splatted hashtables — stops PowerShell
    before the cmdlet runs: "Cannot bind parameter because parameter 'ProfileName' is
    specified more than once". A parameter given explicitly and also as a splat key fails
    the same way in Windows PowerShell 5.1; PowerShell 7.1 and later use the explicit value
    and ignore the splatted one, so that case is a warning (and no finding at all in a
    script that says `#Requires -Version 7.1`). `$PSDefaultParameterValues` never
    duplicates a parameter: defaults apply only to parameters not bound otherwise. Keep
    one of the two.
    """,
    bad="Get-S3Bucket -ProfileName deploy -AWSProfileName ops\n",
    good="Get-S3Bucket -ProfileName deploy\n",
    example_language="powershell",
)

SESSION_CREDENTIALS_SCOPE = rule(
    "CRED409",
    "session-credentials-scope",
    Severity.INFORMATION,
    "Set-AWSCredential without -Scope inside a function: the session credentials vanish.",
    """
    `Set-AWSCredential` without `-StoreAs` sets the session credentials
    (`$StoredAWSCredentials`) in the caller's current scope. Inside a function that scope
    ends when the function returns, and the calls after it fall back to other credential
    sources (environment, the `default` profile, the instance role) — often with a
    confusing "No credentials specified or obtained from persisted/shell defaults." Pass
    `-Scope Global` (or `Script`) when the function is meant to set up credentials for its
    caller; the quick fix adds `-Scope Global`. At a script's top level, and with
    `-StoreAs` (which stores a profile), there is no finding.
    """,
    bad="function Use-Deploy { Set-AWSCredential -ProfileName deploy }\n",
    good="function Use-Deploy { Set-AWSCredential -ProfileName deploy -Scope Global }\n",
    example_language="powershell",
)

AWS_PROFILE_IGNORED = rule(
    "CRED410",
    "aws-profile-ignored",
    Severity.INFORMATION,
    "`$env:AWS_PROFILE` is set for module v4 calls, which never read it (fixed in v5).",
    """
    AWS Tools for PowerShell v4 does not consult the `AWS_PROFILE` environment variable
    (fixed in v5, which leaves the credential search to the AWS SDK for .NET). Setting it
    with `$env:AWS_PROFILE = …`, `Set-Item env:AWS_PROFILE` or
    `[Environment]::SetEnvironmentVariable('AWS_PROFILE', …)` changes nothing for the v4
    cmdlets after it that do not name their credentials: they use the session, environment
    keys or the `default` profile instead. The module version comes from `#Requires
    -Modules`, `Import-Module -RequiredVersion` or the `powershell-version` setting. Use
    `Set-AWSCredential -ProfileName` or pass `-ProfileName`.
    """,
    bad="$env:AWS_PROFILE = 'deploy'\nGet-S3Bucket\n",
    good="Set-AWSCredential -ProfileName deploy\nGet-S3Bucket\n",
    example_language="powershell",
)

UNKNOWN_PROFILE_STORE = rule(
    "CRED210",
    "unknown-profile-store",
    Severity.INFORMATION,
    "The store a call uses cannot be determined statically (dynamic `-ProfileLocation`).",
    """
    With `-ProfileLocation` a call reads (or writes) only the credentials file it names. When
    that path is known only at run time — an environment variable, a parameter without a
    default, a command's output, a value set on some paths only — credls cannot tell which
    profiles the call can see, so it checks the call's profile against no store at all.
    This is a hint, once per call, never an error; paths that start with `~`, `$HOME`,
    `$env:USERPROFILE` or `$PSScriptRoot` are resolved and not reported. Give the path
    literally (or relative to the script) to have the profile checked.
    """,
    bad="Get-S3Bucket -ProfileName ci -ProfileLocation $env:CI_CREDENTIALS\n",
    good="Get-S3Bucket -ProfileName ci -ProfileLocation ./ci/credentials\n",
    example_language="powershell",
)

# Value-taking parameters whose missing argument CRED407 reports.


def check(doc: Document, ctx: CheckContext) -> list[Diagnostic]:
    """The PowerShell entry point of ``credls.analysis`` (see the module docstring)."""
    from credls.powershell.script import analysis_scope, script_model
    from credls.rules.cmdlet_checks import check_model

    with analysis_scope(ctx):
        return check_model(script_model(doc, ctx))
