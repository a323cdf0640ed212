aws configure set region eu-west-1 --profile cli-made
Get-S3Bucket -ProfileName cli-made
Get-S3Bucket -ProfileName cli-mad  # expect: CRED201
