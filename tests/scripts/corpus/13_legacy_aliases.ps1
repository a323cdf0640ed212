Set-AWSCredentials -ProfileName prod  # expect: CRED401
Initialize-AWSDefaults -ProfileName prod -Region us-east-1  # expect: CRED401, CRED403
Get-AWSCredentials -ListProfile  # expect: CRED401, CRED402
Clear-AWSCredentials  # expect: CRED401
Clear-AWSCredential -ProfileName prod  # expect: CRED401
Clear-AWSCredential
Assume-STSRole -RoleArn arn:aws:iam::123456789012:role/x -RoleSessionName s -ProfileName prod  # expect: CRED401
Get-S3Bucket -StoredCredentials prod  # expect: CRED402
