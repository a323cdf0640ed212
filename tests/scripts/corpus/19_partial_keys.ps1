Get-S3Bucket -AccessKey $env:CI_KEY_ID  # expect: CRED405
Get-S3Bucket -SecretKey $env:CI_SECRET -Region us-east-1  # expect: CRED405
Get-S3Bucket -SessionToken $env:CI_TOKEN  # expect: CRED405
Get-S3Bucket -AccessKey $env:CI_KEY_ID -SecretKey $env:CI_SECRET
Set-AWSCredential -AccessKey $env:CI_KEY_ID -StoreAs partial  # expect: CRED405
