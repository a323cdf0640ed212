# Use the prod profile for the rest of the session.
Set-AWSCredential -ProfileName prod
Get-S3Bucket
Set-AWSCredential -ProfileName prd  # expect: CRED201
Get-EC2Instance -Region eu-west-1
Clear-AWSCredential
