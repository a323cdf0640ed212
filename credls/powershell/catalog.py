"""AWS cmdlets as data: parameters, aliases, parameter sets, positions, legacy names.

Source: powershell.md §1 (common credential parameters of service cmdlets),
§2 (credential-management cmdlets, legacy aliases) and §5 (PowerShell's
parameter-name matching). Service cmdlets are recognised by their module's
noun prefix (``Get-EC2Instance`` → ``EC2``); their service-specific
parameters are only known for a few cmdlets, which ``CmdletSpec.complete``
says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache


class CmdletKind(str, Enum):
    SERVICE = "service"  # AmazonXxxClientCmdlet: has the §1 common parameters
    CREDENTIALS = "credentials"  # credential/region management (§2)
    OTHER = "other"  # AWS cmdlet without credential parameters


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter. ``sets=None`` means every parameter set."""

    name: str
    aliases: tuple[str, ...] = ()
    switch: bool = False
    position: int | None = None
    sets: frozenset[str] | None = None
    mandatory_in: frozenset[str] = frozenset()
    common: bool = False  # PowerShell common/ShouldProcess parameter (§5: declared ones win)
    deprecated_aliases: tuple[str, ...] = ()
    deprecated_by: str | None = None  # the parameter to use instead (CRED402)

    def in_set(self, name: str) -> bool:
        return self.sets is None or name in self.sets

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class MatchKind(str, Enum):
    EXACT = "exact"  # the name or one alias, spelled out (any case)
    PREFIX = "prefix"  # a unique abbreviation
    AMBIGUOUS = "ambiguous"
    NONE = "none"


@dataclass(frozen=True)
class ParameterMatch:
    kind: MatchKind
    parameter: ParameterSpec | None = None
    alias: str | None = None  # the alias matched exactly, if it was an alias
    candidates: tuple[str, ...] = ()  # parameter names, for AMBIGUOUS


@dataclass(frozen=True)
class CmdletSpec:
    """A cmdlet's name and parameters as far as credls needs them."""

    name: str
    kind: CmdletKind
    parameters: tuple[ParameterSpec, ...]
    module: str
    parameter_sets: tuple[str, ...] = ()
    default_set: str | None = None
    supports_should_process: bool = False
    complete: bool = True  # False: service-specific parameters are unknown
    service_prefix: str | None = None
    _by_name: dict[str, ParameterSpec] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_alias: dict[str, ParameterSpec] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _matches: dict[str, ParameterMatch] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for p in self.parameters:
            self._by_name.setdefault(p.name.lower(), p)
        for p in self.parameters:
            for a in p.aliases:
                self._by_alias.setdefault(a.lower(), p)

    def parameter(self, name: str) -> ParameterSpec | None:
        """The parameter with this exact name or alias (case-insensitive)."""
        key = name.lower()
        return self._by_name.get(key) or self._by_alias.get(key)

    def match(self, written: str) -> ParameterMatch:
        """Match a parameter name as PowerShell does (§5, GetMatchingParameter).

        Case-insensitive prefix match over names, then aliases; an exact match
        returns at once; several distinct parameters are ambiguous unless
        exactly one of them is declared by the cmdlet (not a common one).
        """
        key = written.lstrip("-").lower()
        found_match = self._matches.get(key)
        if found_match is None:
            found_match = self._match(key)
            if len(self._matches) < 1024:
                self._matches[key] = found_match
        return found_match

    def _match(self, key: str) -> ParameterMatch:
        if not key:
            return ParameterMatch(MatchKind.NONE)
        exact = self._by_name.get(key)
        if exact is not None:
            return ParameterMatch(MatchKind.EXACT, exact)
        exact = self._by_alias.get(key)
        if exact is not None:
            alias = next(a for a in exact.aliases if a.lower() == key)
            return ParameterMatch(MatchKind.EXACT, exact, alias=alias)
        found: list[ParameterSpec] = []
        for name, p in self._by_name.items():
            if name.startswith(key) and p not in found:
                found.append(p)
        for name, p in self._by_alias.items():
            if name.startswith(key) and p not in found:
                found.append(p)
        if not found:
            return ParameterMatch(MatchKind.NONE)
        if len(found) > 1:
            declared = [p for p in found if not p.common]
            if len(declared) == 1:
                return ParameterMatch(MatchKind.PREFIX, declared[0])
            return ParameterMatch(MatchKind.AMBIGUOUS, candidates=tuple(p.name for p in found))
        return ParameterMatch(MatchKind.PREFIX, found[0])

    def default_match(self, written: str) -> ParameterSpec | None:
        """``$PSDefaultParameterValues`` parameter part: exact name or alias only (§5)."""
        return self.parameter(written)


# --- parameter building blocks ------------------------------------------------------


def _p(
    name: str,
    *aliases: str,
    switch: bool = False,
    position: int | None = None,
    sets: tuple[str, ...] | None = None,
    mandatory: tuple[str, ...] = (),
    common: bool = False,
    deprecated_aliases: tuple[str, ...] = (),
    deprecated_by: str | None = None,
) -> ParameterSpec:
    return ParameterSpec(
        name=name,
        aliases=aliases,
        switch=switch,
        position=position,
        sets=None if sets is None else frozenset(sets),
        mandatory_in=frozenset(mandatory),
        common=common,
        deprecated_aliases=deprecated_aliases,
        deprecated_by=deprecated_by,
    )


# PowerShell common parameters (about_CommonParameters); ProgressAction is 7.4+.
POWERSHELL_COMMON: tuple[ParameterSpec, ...] = (
    _p("Verbose", "vb", switch=True, common=True),
    _p("Debug", "db", switch=True, common=True),
    _p("ErrorAction", "ea", common=True),
    _p("WarningAction", "wa", common=True),
    _p("InformationAction", "infa", common=True),
    _p("ProgressAction", "proga", common=True),
    _p("ErrorVariable", "ev", common=True),
    _p("WarningVariable", "wv", common=True),
    _p("InformationVariable", "iv", common=True),
    _p("OutVariable", "ov", common=True),
    _p("OutBuffer", "ob", common=True),
    _p("PipelineVariable", "pv", common=True),
)
SHOULD_PROCESS: tuple[ParameterSpec, ...] = (
    _p("WhatIf", "wi", switch=True, common=True),
    _p("Confirm", "cf", switch=True, common=True),
)

# §1: on every service cmdlet, in all parameter sets, named only.
_STORED_CREDENTIALS = ("StoredCredentials",)
PROFILE_NAME = _p(
    "ProfileName",
    "StoredCredentials",
    "AWSProfileName",
    deprecated_aliases=_STORED_CREDENTIALS,
)
PROFILE_LOCATION = _p("ProfileLocation", "AWSProfilesLocation", "ProfilesLocation")
SERVICE_COMMON: tuple[ParameterSpec, ...] = (
    _p("AccessKey", "AK"),
    _p("SecretKey", "SK", "SecretAccessKey"),
    _p("SessionToken", "ST"),
    PROFILE_NAME,
    PROFILE_LOCATION,
    _p("Credential"),
    _p("NetworkCredential"),
    _p("Region", "RegionToCall"),
    _p("EndpointUrl"),
    _p("ClientConfig"),
)
CREDENTIAL_PARAMETERS = frozenset(
    {"AccessKey", "SecretKey", "SessionToken", "ProfileName", "ProfileLocation", "Credential"}
)

# §2.1 AWSCredentialsArgumentsFullCmdlet parameter sets.
BASIC = "BasicOrSession"
ASSUME_ROLE = "AssumeRole"
CREDENTIAL_OBJECT = "AWSCredentialsObject"
STORED_PROFILE = "StoredProfile"
_FULL_SETS = (BASIC, ASSUME_ROLE, CREDENTIAL_OBJECT, STORED_PROFILE)


def _full_block(extra_location_sets: tuple[str, ...] = ()) -> tuple[ParameterSpec, ...]:
    return (
        _p("AccessKey", "AK", sets=(BASIC,), mandatory=(BASIC,)),
        _p("SecretKey", "SK", "SecretAccessKey", sets=(BASIC,), mandatory=(BASIC,)),
        _p("SessionToken", "ST", sets=(BASIC,)),
        _p("RoleArn", sets=(ASSUME_ROLE,), mandatory=(ASSUME_ROLE,)),
        _p("SourceProfile", sets=(ASSUME_ROLE,), mandatory=(ASSUME_ROLE,)),
        _p("ExternalID", sets=(ASSUME_ROLE,)),
        _p("MfaSerial", sets=(ASSUME_ROLE,)),
        _p("Credential", sets=(CREDENTIAL_OBJECT,), mandatory=(CREDENTIAL_OBJECT,)),
        _p(
            "ProfileName",
            "StoredCredentials",
            "AWSProfileName",
            position=200,
            sets=(STORED_PROFILE,),
            mandatory=(STORED_PROFILE,),
            deprecated_aliases=_STORED_CREDENTIALS,
        ),
        _p("NetworkCredential", sets=(STORED_PROFILE,)),
        _p(
            "ProfileLocation",
            "AWSProfilesLocation",
            "ProfilesLocation",
            position=201,
            sets=_FULL_SETS + extra_location_sets,
        ),
    )


def _with_common(
    params: tuple[ParameterSpec, ...], should_process: bool = False
) -> tuple[ParameterSpec, ...]:
    extra = POWERSHELL_COMMON + (SHOULD_PROCESS if should_process else ())
    return params + extra


COMMON_MODULE = "AWS.Tools.Common"
_SCOPE = _p("Scope")


def _credential_cmdlets() -> dict[str, CmdletSpec]:
    specs = [
        CmdletSpec(
            "Set-AWSCredential",
            CmdletKind.CREDENTIALS,
            _with_common((*_full_block(), _p("StoreAs"), _SCOPE)),
            COMMON_MODULE,
            parameter_sets=_FULL_SETS,
        ),
        CmdletSpec(
            "New-AWSCredential",
            CmdletKind.CREDENTIALS,
            _with_common(_full_block()),
            COMMON_MODULE,
            parameter_sets=_FULL_SETS,
        ),
        CmdletSpec(
            "Initialize-AWSDefaultConfiguration",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    *_full_block(extra_location_sets=("InstanceProfile", "RegionOnly")),
                    _p(
                        "Region",
                        "RegionToCall",
                        position=210,
                        sets=(*_FULL_SETS, "RegionOnly"),
                        mandatory=("RegionOnly",),
                    ),
                    _SCOPE,
                )
            ),
            COMMON_MODULE,
            parameter_sets=(*_FULL_SETS, "InstanceProfile", "RegionOnly"),
            default_set="InstanceProfile",
        ),
        CmdletSpec(
            "Get-AWSCredential",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p(
                        "ProfileName",
                        "StoredCredentials",
                        position=1,
                        sets=("SingleProfile",),
                        deprecated_aliases=_STORED_CREDENTIALS,
                    ),
                    _p(
                        "ProfileLocation",
                        "AWSProfilesLocation",
                        "ProfilesLocation",
                        sets=("SingleProfile", "ListName", "ListDetail"),
                    ),
                    _p(
                        "ListProfile",
                        "ListStoredCredentials",
                        "ListProfiles",
                        switch=True,
                        sets=("ListName",),
                        deprecated_by="ListProfileDetail",
                    ),
                    _p("ListProfileDetail", switch=True, sets=("ListDetail",)),
                )
            ),
            COMMON_MODULE,
            parameter_sets=("Shell", "SingleProfile", "ListName", "ListDetail"),
            default_set="Shell",
        ),
        CmdletSpec(
            "Remove-AWSCredentialProfile",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p(
                        "ProfileName",
                        "StoredCredentials",
                        position=1,
                        mandatory=("__AllParameterSets",),
                        deprecated_aliases=_STORED_CREDENTIALS,
                    ),
                    _p("ProfileLocation", "AWSProfilesLocation", "ProfilesLocation", position=2),
                    _p("Force", switch=True),
                ),
                should_process=True,
            ),
            COMMON_MODULE,
            supports_should_process=True,
        ),
        CmdletSpec(
            "Clear-AWSCredential",
            CmdletKind.CREDENTIALS,
            _with_common((PROFILE_LOCATION, _SCOPE)),
            COMMON_MODULE,
        ),
        CmdletSpec(
            "Clear-AWSDefaultConfiguration",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("SkipShell", switch=True),
                    _p("SkipProfileStore", switch=True),
                    PROFILE_LOCATION,
                    _SCOPE,
                )
            ),
            COMMON_MODULE,
        ),
        CmdletSpec(
            "Set-DefaultAWSRegion",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("Region", "RegionToCall", position=210),
                    _p("ProfileLocation", "AWSProfilesLocation", "ProfilesLocation", position=211),
                    _SCOPE,
                )
            ),
            COMMON_MODULE,
        ),
        CmdletSpec(
            "Get-DefaultAWSRegion", CmdletKind.CREDENTIALS, POWERSHELL_COMMON, COMMON_MODULE
        ),
        CmdletSpec(
            "Clear-DefaultAWSRegion",
            CmdletKind.CREDENTIALS,
            _with_common((_SCOPE,)),
            COMMON_MODULE,
        ),
        CmdletSpec(
            "Set-AWSSamlEndpoint",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("Endpoint", mandatory=("__AllParameterSets",)),
                    _p("StoreAs", "EndpointName", mandatory=("__AllParameterSets",)),
                    _p("AuthenticationType"),
                )
            ),
            COMMON_MODULE,
        ),
        CmdletSpec(
            "Set-AWSSamlRoleProfile",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("EndpointName", mandatory=("StoreOneRole", "StoreAllRoles")),
                    _p("PrincipalARN", sets=("StoreOneRole",)),
                    _p("RoleARN", sets=("StoreOneRole",)),
                    _p("NetworkCredential", "Credential", "UserCredential"),
                    _p("StoreAs", sets=("StoreOneRole",), mandatory=("StoreOneRole",)),
                    _p(
                        "StoreAllRoles",
                        switch=True,
                        sets=("StoreAllRoles",),
                        mandatory=("StoreAllRoles",),
                    ),
                    _p("STSEndpointRegion"),
                )
            ),
            COMMON_MODULE,
            parameter_sets=("StoreOneRole", "StoreAllRoles"),
            default_set="StoreOneRole",
        ),
        # SSOCmdlets.cs (V4.1 late / V5): all named.
        CmdletSpec(
            "Initialize-AWSSSOConfiguration",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("ProfileName"),
                    _p("SessionName"),
                    _p("AccountId"),
                    _p("RoleName"),
                    _p("StartUrl"),
                    _p("SSORegion"),
                    _p("RegistrationScopes"),
                    _p("Region"),
                ),
                should_process=True,
            ),
            COMMON_MODULE,
            supports_should_process=True,
        ),
        CmdletSpec(
            "Invoke-AWSSSOLogin",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("ProfileName", position=0, sets=("Profile",)),
                    _p("SessionName", sets=("Session",)),
                    _p("Force", switch=True),
                )
            ),
            COMMON_MODULE,
            parameter_sets=("Profile", "Session"),
            default_set="Profile",
        ),
        CmdletSpec(
            "Invoke-AWSSSOLogout",
            CmdletKind.CREDENTIALS,
            _with_common(
                (_p("ProfileName", sets=("Profile",)), _p("SessionName", sets=("Session",)))
            ),
            COMMON_MODULE,
            parameter_sets=("Profile", "Session"),
            default_set="Profile",
            complete=False,
        ),
        CmdletSpec(
            "Invoke-AWSLogin",
            CmdletKind.CREDENTIALS,
            _with_common(
                (
                    _p("Region", position=0),
                    _p("ProfileName", position=1),
                    _p("NoBrowser", switch=True),
                )
            ),
            COMMON_MODULE,
        ),
    ]
    return {s.name.lower(): s for s in specs}


# Service-specific parameters of some service cmdlets (full lists, so
# ambiguity is exact there). Use-STSRole: Use-STSRole-Cmdlet.cs (§2.2).
_KNOWN_SERVICE_PARAMS: dict[str, tuple[tuple[ParameterSpec, ...], bool]] = {
    "use-stsrole": (
        (
            _p("RoleArn", position=0),
            _p("RoleSessionName", position=1),
            _p("Policy", position=2),
            _p("DurationInSeconds", "DurationSeconds", position=3),
            _p("ExternalId", position=4),
            _p("PolicyArn", "PolicyArns"),
            _p("ProvidedContext", "ProvidedContexts"),
            _p("SerialNumber"),
            _p("SourceIdentity"),
            _p("Tag", "Tags"),
            _p("TokenCode"),
            _p("TransitiveTagKey", "TransitiveTagKeys"),
            _p("Select"),
            _p("PassThru", switch=True),
            _p("Force", switch=True),
        ),
        True,
    ),
    "get-stscalleridentity": ((_p("Select"),), False),
    "get-stssessiontoken": (
        (
            _p("DurationInSeconds", "DurationSeconds", position=0),
            _p("SerialNumber", position=1),
            _p("TokenCode", position=2),
            _p("Select"),
        ),
        False,
    ),
}

# Use-STSWebIdentityRole derives from BaseCmdlet, not a client cmdlet: it has
# no credential parameters at all (Use-STSWebIdentityRole-Cmdlet.cs).
_OTHER_CMDLETS: dict[str, CmdletSpec] = {
    "use-stswebidentityrole": CmdletSpec(
        "Use-STSWebIdentityRole",
        CmdletKind.OTHER,
        _with_common(
            (
                _p("RoleArn", position=0),
                _p("RoleSessionName", position=1),
                _p("WebIdentityToken", position=2),
                _p("ProviderId", position=3),
                _p("Policy", position=4),
                _p("Duration", "DurationSeconds"),
                _p("Region"),
                _p("Select"),
            )
        ),
        "AWS.Tools.SecurityToken",
        service_prefix="STS",
    ),
}

CREDENTIAL_CMDLETS = _credential_cmdlets()

# §2 legacy aliases (AWS.Tools.Common.Aliases.psm1, AWSAliases.ps1).
LEGACY_ALIASES: dict[str, str] = {
    "set-awscredentials": "Set-AWSCredential",
    "get-awscredentials": "Get-AWSCredential",
    "new-awscredentials": "New-AWSCredential",
    "clear-awscredentials": "Clear-AWSCredential",
    "initialize-awsdefaults": "Initialize-AWSDefaultConfiguration",
    "clear-awsdefaults": "Clear-AWSDefaultConfiguration",
    "assume-stsrole": "Use-STSRole",
    "sts-assumerole": "Use-STSRole",
    "assume-stswebidentityrole": "Use-STSWebIdentityRole",
}

# Module noun prefixes of AWS service cmdlets (AWS Tools for PowerShell
# ServiceConfig <ServiceNounPrefix>; a generous selection of the common ones).
SERVICE_PREFIXES: dict[str, str] = {
    "ACM": "CertificateManager",
    "PCA": "ACMPCA",
    "AG": "APIGateway",
    "AG2": "ApiGatewayV2",
    "AGM": "ApiGatewayManagementApi",
    "AAS": "ApplicationAutoScaling",
    "ADS": "ApplicationDiscoveryService",
    "APPC": "AppConfig",
    "AMSH": "AppMesh",
    "APS": "AppStream",
    "ASYN": "AppSync",
    "ATH": "Athena",
    "AS": "AutoScaling",
    "ASP": "AutoScalingPlans",
    "BAK": "Backup",
    "BAT": "Batch",
    "BDR": "Bedrock",
    "BDRR": "BedrockRuntime",
    "BGT": "Budgets",
    "CE": "CostExplorer",
    "CHM": "Chime",
    "C9": "Cloud9",
    "CCTL": "CloudControlApi",
    "CD": "CodeDeploy",
    "CFN": "CloudFormation",
    "CF": "CloudFront",
    "HSM": "CloudHSM",
    "HSM2": "CloudHSMV2",
    "CS": "CloudSearch",
    "CSD": "CloudSearchDomain",
    "CT": "CloudTrail",
    "CW": "CloudWatch",
    "CWE": "CloudWatchEvents",
    "CWL": "CloudWatchLogs",
    "CWAI": "ApplicationInsights",
    "CWSYN": "Synthetics",
    "CA": "CodeArtifact",
    "CB": "CodeBuild",
    "CC": "CodeCommit",
    "CGR": "CodeGuruReviewer",
    "CGP": "CodeGuruProfiler",
    "CP": "CodePipeline",
    "CST": "CodeStar",
    "CSTC": "CodeStarconnections",
    "CSTN": "CodeStarNotifications",
    "CGI": "CognitoIdentity",
    "CGIP": "CognitoIdentityProvider",
    "CGIS": "CognitoSync",
    "COMP": "Comprehend",
    "CMPM": "ComprehendMedical",
    "CFG": "ConfigService",
    "CONN": "Connect",
    "CUR": "CostAndUsageReport",
    "DP": "DataPipeline",
    "DSYN": "DataSync",
    "DAX": "DAX",
    "DF": "DeviceFarm",
    "DC": "DirectConnect",
    "DS": "DirectoryService",
    "DLM": "DLM",
    "DMS": "DatabaseMigrationService",
    "DOC": "DocDB",
    "DDB": "DynamoDBv2",
    "EBS": "EBS",
    "EC2": "EC2",
    "EC2IB": "Imagebuilder",
    "ECR": "ECR",
    "ECRP": "ECRPublic",
    "ECS": "ECS",
    "EFS": "ElasticFileSystem",
    "EKS": "EKS",
    "EC": "ElastiCache",
    "EB": "ElasticBeanstalk",
    "ELB": "ElasticLoadBalancing",
    "ELB2": "ElasticLoadBalancingV2",
    "EMR": "ElasticMapReduce",
    "EMRC": "EMRContainers",
    "EMRServerless": "EMRServerless",
    "ETS": "ElasticTranscoder",
    "ES": "Elasticsearch",
    "OS": "OpenSearchService",
    "OSS": "OpenSearchServerless",
    "EVB": "EventBridge",
    "FMS": "FMS",
    "FRC": "ForecastService",
    "FD": "FraudDetector",
    "FSX": "FSx",
    "GML": "GameLift",
    "GLC": "Glacier",
    "GACL": "GlobalAccelerator",
    "GLUE": "Glue",
    "GG": "Greengrass",
    "GD": "GuardDuty",
    "HLTH": "AWSHealth",
    "IAM": "IdentityManagement",
    "IAMAA": "AccessAnalyzer",
    "INS": "Inspector",
    "INS2": "Inspector2",
    "IOT": "IoT",
    "IVS": "IVS",
    "KNDR": "Kendra",
    "KIN": "Kinesis",
    "KINF": "KinesisFirehose",
    "KINA": "KinesisAnalytics",
    "KINA2": "KinesisAnalyticsV2",
    "KV": "KinesisVideo",
    "KMS": "KeyManagementService",
    "LKF": "LakeFormation",
    "LM": "Lambda",
    "LMB": "LexModelBuildingService",
    "LEX": "Lex",
    "LICM": "LicenseManager",
    "LS": "Lightsail",
    "LOC": "LocationService",
    "MCS": "Keyspaces",
    "ML": "MachineLearning",
    "MM": "AWSMarketplaceMetering",
    "MCAT": "MarketplaceCatalog",
    "MQ": "MQ",
    "MSK": "Kafka",
    "MH": "MigrationHub",
    "MWAA": "MWAA",
    "EMC": "MediaConvert",
    "EML": "MediaLive",
    "EMP": "MediaPackage",
    "EMS": "MediaStore",
    "EMT": "MediaTailor",
    "NPT": "Neptune",
    "NMGR": "NetworkManager",
    "NWFW": "NetworkFirewall",
    "OPS": "OpsWorks",
    "OWCM": "OpsWorksCM",
    "ORG": "Organizations",
    "OUTP": "Outposts",
    "PERS": "Personalize",
    "PI": "PI",
    "PIN": "Pinpoint",
    "POL": "Polly",
    "PLS": "Pricing",
    "PROM": "PrometheusService",
    "QS": "QuickSight",
    "RAM": "RAM",
    "RBIN": "RecycleBin",
    "RDS": "RDS",
    "RDSD": "RDSDataService",
    "RS": "Redshift",
    "RSD": "RedshiftDataAPIService",
    "REK": "Rekognition",
    "RG": "ResourceGroups",
    "RGT": "ResourceGroupsTaggingAPI",
    "R53": "Route53",
    "R53D": "Route53Domains",
    "R53R": "Route53Resolver",
    "S3": "S3",
    "S3C": "S3Control",
    "SM": "SageMaker",
    "SMR": "SageMakerRuntime",
    "SEC": "SecretsManager",
    "SHUB": "SecurityHub",
    "SAR": "ServerlessApplicationRepository",
    "SC": "ServiceCatalog",
    "SD": "ServiceDiscovery",
    "SQ": "ServiceQuotas",
    "SES": "SimpleEmail",
    "SES2": "SimpleEmailV2",
    "SFN": "StepFunctions",
    "SG": "StorageGateway",
    "SHLD": "Shield",
    "SMS": "ServerMigrationService",
    "SNOW": "Snowball",
    "SNS": "SimpleNotificationService",
    "SQS": "SQS",
    "SSM": "SimpleSystemsManagement",
    "SSMI": "SSMIncidents",
    "SSO": "SSO",
    "SSOADMN": "SSOAdmin",
    "SSOOIDC": "SSOOIDC",
    "STS": "SecurityToken",
    "ASA": "AWSSupport",
    "SWF": "SimpleWorkflow",
    "TFR": "Transfer",
    "TRN": "Translate",
    "TRS": "TranscribeService",
    "TXT": "Textract",
    "TSW": "TimestreamWrite",
    "TSQ": "TimestreamQuery",
    "WAF": "WAF",
    "WAFR": "WAFRegional",
    "WAF2": "WAFV2",
    "WD": "WorkDocs",
    "WKS": "WorkSpaces",
    "WM": "WorkMail",
    "XR": "XRay",
}

# Noun beginnings of well-known non-AWS cmdlets that happen to start with an
# AWS prefix followed by a capital letter (Import-CSV, Get-SMBShare,
# Get-WMIObject, Get-DSCResource, VMM/PowerCLI nouns).
_NON_AWS_NOUN_STARTS = (
    "CSV",
    "SMB",
    "WMI",
    "DSC",
    "SCVM",
    "SCVirtual",
    "SCSI",
    "CDDrive",
    "OSCustom",
)

_MODULE_QUALIFIER = re.compile(r"^(AWSPowerShell(\.NetCore)?|AWS\.Tools\.[A-Za-z0-9.]+)$", re.I)
_PREFIX_BY_UPPER = {p.upper(): p for p in SERVICE_PREFIXES}
_LONGEST_PREFIX = max(len(p) for p in SERVICE_PREFIXES)


def is_aws_module(name: str) -> bool:
    return _MODULE_QUALIFIER.match(name) is not None


def service_prefix(noun: str) -> str | None:
    """The AWS service prefix of a cmdlet noun, or None.

    The written noun must continue with a capital letter after the prefix
    (``EC2Instance``), or with a letter when the prefix ends in a digit
    (``ec2instance``): ``Get-Process`` or ``Get-Item`` never match.
    """
    if any(noun.lower().startswith(s.lower()) for s in _NON_AWS_NOUN_STARTS):
        return None
    upper = noun.upper()
    for size in range(min(_LONGEST_PREFIX, len(noun) - 1), 0, -1):
        prefix = _PREFIX_BY_UPPER.get(upper[:size])
        if prefix is not None:
            nxt = noun[size]
            if nxt.isupper() or (prefix[-1].isdigit() and nxt.isalpha()):
                return prefix
    return None


def _should_process(verb: str) -> bool:
    # Generated AWS cmdlets that change something (New/Remove/Update/…) carry
    # SupportsShouldProcess and -Force; read-only verbs do not.
    return verb.lower() not in {"get", "read", "find", "test", "search", "select", "measure"}


@lru_cache(maxsize=4096)
def _service_spec(canonical_verb: str, noun: str, prefix: str) -> CmdletSpec:
    name = f"{canonical_verb}-{noun}"
    known = _KNOWN_SERVICE_PARAMS.get(name.lower())
    if known is not None:
        own, complete = known
        sp = any(p.name == "Force" for p in own) or _should_process(canonical_verb)
    else:
        sp = _should_process(canonical_verb)
        # Generated V4 cmdlets have -Select; changing ones also -Force.
        own = (_p("Select"),) + ((_p("Force", switch=True),) if sp else ())
        complete = False
    return CmdletSpec(
        name,
        CmdletKind.SERVICE,
        own + SERVICE_COMMON + POWERSHELL_COMMON + (SHOULD_PROCESS if sp else ()),
        f"AWS.Tools.{SERVICE_PREFIXES[prefix]}",
        supports_should_process=sp,
        complete=complete,
        service_prefix=prefix,
    )


@dataclass(frozen=True)
class CommandLookup:
    """What a written command name resolves to."""

    spec: CmdletSpec
    written: str  # as written, including any module qualifier
    name: str  # the command name without qualifier, as written
    module: str | None  # module qualifier as written
    alias: str | None  # the alias written, if the name was an alias
    legacy_alias: bool

    @property
    def canonical(self) -> str:
        return self.spec.name


@lru_cache(maxsize=4096)
def lookup_command(written: str) -> CommandLookup | None:
    """Resolve a command name to an AWS cmdlet, or None for any other command.

    Accepts module-qualified names (``AWS.Tools.Common\\Set-AWSCredential``,
    ``AWSPowerShell\\Get-EC2Instance``, §5); a qualifier that is not an AWS
    module means some other module's command.
    """
    module: str | None = None
    name = written
    if "\\" in written:
        module, _, name = written.rpartition("\\")
        if not is_aws_module(module):
            return None
    key = name.lower()
    target = LEGACY_ALIASES.get(key)
    if target is not None:
        spec = _resolve_canonical(target)
        if spec is None:  # pragma: no cover - table consistency
            return None
        return CommandLookup(spec, written, name, module, name, True)
    spec = _resolve_canonical(name)
    if spec is None:
        return None
    return CommandLookup(spec, written, name, module, None, False)


# Cmdlets with a service noun prefix that take no credentials (no common credential
# parameters: the AWS reference pages list only their own).
_NO_CREDENTIALS = frozenset(
    {
        "get-ec2instancemetadata",  # -Category/-Path/-ListCategory: instance metadata (IMDS)
    }
)


def _resolve_canonical(name: str) -> CmdletSpec | None:
    key = name.lower()
    spec = CREDENTIAL_CMDLETS.get(key) or _OTHER_CMDLETS.get(key)
    if spec is not None:
        return spec
    if key in _NO_CREDENTIALS:
        return None
    verb, sep, noun = name.partition("-")
    if not sep or not verb.isalpha() or not noun or not noun.replace("_", "").isalnum():
        return None
    prefix = service_prefix(noun)
    if prefix is None:
        return None
    canonical_verb = verb[:1].upper() + verb[1:].lower()
    rest = noun[len(prefix) :]
    # The real casing of an all-lower-case noun is unknown: capitalise its start.
    canonical_noun = prefix + rest[:1].upper() + rest[1:]
    return _service_spec(canonical_verb, canonical_noun, prefix)


def command_matches_pattern(pattern: str, lookup: CommandLookup) -> bool:
    """``$PSDefaultParameterValues`` command part: name, alias or wildcard (§5)."""
    return _matches_pattern(pattern, lookup.spec.name, lookup.name)


@lru_cache(maxsize=4096)
def _matches_pattern(pattern: str, canonical: str, written: str) -> bool:
    names = {canonical.lower(), written.lower()}
    pat = pattern.strip().lower()
    if not any(ch in pat for ch in "*?["):
        return pat in names
    rx = _wildcard(pat)
    return any(rx.fullmatch(n) is not None for n in names)


@lru_cache(maxsize=512)
def _wildcard(pattern: str) -> re.Pattern[str]:
    """PowerShell wildcard (``*``, ``?``, ``[a-z]``) as a regex."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : j].replace("\\", "\\\\")
                out.append(f"[{body}]" if body else re.escape("[]"))
                i = j
        elif ch == "`" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.S)
