Get-S3Bucket -AccessKey $env:K -SecretKey $env:S -ProfileName prod  # expect: CRED406
Get-S3Bucket -AccessKey $env:K -SecretKey $env:S
