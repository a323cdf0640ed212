Get-S3Bucket -ProfileName -Region eu-west-1  # expect: CRED407
Get-EC2Instance -Region eu-west-1 -ProfileLocation  # expect: CRED407
Set-AWSCredential -ProfileName prod -StoreAs  # expect: CRED407
Get-S3Bucket -ProfileName no-such-profile-but-flow-unknown
