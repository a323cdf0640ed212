# Profiles from a credentials file chosen by the CI job.
param(
    [string]$CredentialsFile,
    [string]$Fallback = '../ci/credentials'
)
Get-S3Bucket -ProfileName ci -ProfileLocation $CredentialsFile  # expect: CRED210
Get-S3Bucket -ProfileName ci -ProfileLocation $env:CI_CREDENTIALS_FILE  # expect: CRED210
Get-S3Bucket -ProfileName ci -ProfileLocation (Join-Path $PSScriptRoot 'credentials')  # expect: CRED210
# Resolved statically: checked, no hint.
Get-S3Bucket -ProfileName ci -ProfileLocation $Fallback
Get-S3Bucket -ProfileName ci -ProfileLocation ../ci/credentials
Get-S3Bucket -ProfileName ci -ProfileLocation "$PSScriptRoot/../ci/credentials"
Get-S3Bucket -ProfileName prod -ProfileLocation "$PSScriptRoot/../ci/credentials"  # expect: CRED203
if ($env:CI) { $location = '../ci/credentials' }
Get-EC2Instance -ProfileName ci -ProfileLocation $location  # expect: CRED210
$ci = @{ ProfileName = 'ci'; ProfileLocation = $env:CI_CREDENTIALS_FILE }
Get-EC2Vpc @ci  # expect: CRED210
Get-EC2Subnet @ci  # expect: CRED210
