function Use-Prod {
    Set-AWSCredential -ProfileName prod  # expect: CRED409
    Get-S3Bucket
}
Use-Prod
Get-S3Bucket -ProfileName Staging  # expect: CRED209
