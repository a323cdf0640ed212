Clear-AWSDefaultConfiguration -SkipShell
Get-S3Bucket -ProfileName default  # expect: CRED204
