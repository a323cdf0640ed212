Import-Module AWS.Tools.Common -RequiredVersion 4.1.0
Import-Module AWS.Tools.S3
Set-AWSCredential -ProfileName build
Get-S3Bucket
Get-S3Bucket -ProfileName biuld  # expect: CRED201
