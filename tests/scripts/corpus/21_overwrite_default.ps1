Initialize-AWSDefaultConfiguration -ProfileName prod -Region eu-west-1  # expect: CRED403
Set-AWSCredential -ProfileName staging -StoreAs default  # expect: CRED403
Get-S3Bucket -ProfileName default
