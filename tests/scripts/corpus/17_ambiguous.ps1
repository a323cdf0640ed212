Get-S3Bucket -Profile prod  # expect: CRED404
Get-EC2Instance -AWSProfile prod  # expect: CRED404
Get-IAMUser -S x  # expect: CRED404
Get-S3Bucket -ProfileN prod
Get-S3Bucket -AWSProfileN prod
