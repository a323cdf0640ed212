#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; ModuleVersion = '4.1.2' }
# Nightly export: meant to run as the 'staging' profile.
param([string]$Bucket = 'nightly-exports')

# Reading the variable is fine.
Write-Host "Profile from the caller: $env:AWS_PROFILE"
$env:AWS_PROFILE = 'staging'  # expect: CRED410
Get-S3Object -BucketName $Bucket
Write-S3Object -BucketName $Bucket -File ./export.csv
# Calls that name their profile are not affected.
Get-S3Bucket -ProfileName staging
Set-Item -Path Env:AWS_PROFILE -Value 'prod'  # expect: CRED410
Get-EC2Instance
[Environment]::SetEnvironmentVariable('AWS_PROFILE', 'build')  # expect: CRED410
Get-EC2Vpc
# Only processes started later see a User-level variable.
[Environment]::SetEnvironmentVariable('AWS_PROFILE', 'build', 'User')
# Clearing it is not choosing a profile.
$env:AWS_PROFILE = $null
Get-EC2Subnet
