function Use-Prod {
    Set-AWSCredential -ProfileName prod
    Get-S3Bucket
}
Use-Prod
Get-S3Bucket -ProfileName Staging  # expect: CRED209
