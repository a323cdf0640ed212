param([Parameter(Mandatory)][string]$Target)
Get-S3Bucket -ProfileName missing-before  # expect: CRED201
Set-AWSCredential -ProfileName prod -StoreAs $Target
Get-S3Bucket -ProfileName anything-goes
