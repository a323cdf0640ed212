$PSDefaultParameterValues['*-S3*:ProfileName'] = 'prodd'  # expect: CRED201
$PSDefaultParameterValues['Get-EC2*:ProfileName'] = 'staging'
Get-S3Bucket
Get-EC2Instance
$PSDefaultParameterValues['*-IAM*:StoredCredentials'] = 'prod'  # expect: CRED402
Get-IAMUser
