Get-S3Bucket -ProfileName prodd  # expect: CRED201
Get-S3Bucket -ProfileName 'unterminated
