#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; ModuleVersion = '4.1.0' }
# Nightly report job: picks its credentials, then copies the reports.
param([string]$CredentialsFile = $env:NIGHTLY_CREDENTIALS)

function Use-BuildProfile {
    # Sets the session credentials in this function's scope only: they are gone
    # when it returns (CRED409). Add -Scope Global to keep them for the caller.
    Set-AWSCredential -ProfileName build
}

# Module v4 (see #Requires above) never reads AWS_PROFILE (CRED410): the
# Get-S3Bucket call below falls back to the default profile.
$env:AWS_PROFILE = 'build'
Use-BuildProfile
Get-S3Bucket

# -ProfileName and its alias -AWSProfileName on one call: PowerShell refuses it (CRED408).
Get-S3Object -BucketName nightly-reports -ProfileName build -AWSProfileName default

# The credentials file is known only when the job runs: a hint, not an error (CRED210).
Get-S3Object -BucketName nightly-reports -ProfileName nightly -ProfileLocation $CredentialsFile

# With -Scope the session credentials outlive the function: no finding.
function Use-DefaultProfile {
    Set-AWSCredential -ProfileName default -Scope Global
}
