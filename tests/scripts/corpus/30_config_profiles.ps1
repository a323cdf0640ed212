Get-S3Bucket -ProfileName dev
Get-S3Bucket -ProfileName reports  # expect: CRED209
Get-S3Bucket -ProfileName analytcs  # expect: CRED201
Get-S3Bucket -ProfileName Reports
