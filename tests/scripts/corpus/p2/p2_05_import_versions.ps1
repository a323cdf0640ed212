# The module version changes with Import-Module -RequiredVersion.
$env:AWS_PROFILE = 'prod'
Import-Module AWS.Tools.Common -RequiredVersion 5.0.1
Get-S3Bucket
Import-Module AWS.Tools.Common -RequiredVersion 4.1.700 -Force
$env:AWS_PROFILE = 'staging'  # expect: CRED410
Get-S3Bucket
