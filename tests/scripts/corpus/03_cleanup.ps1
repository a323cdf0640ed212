# Rotate the staging profile: remove it, then (wrongly) use it again.
Remove-AWSCredentialProfile -ProfileName staging -Force
Get-S3Bucket -ProfileName staging  # expect: CRED204
Remove-AWSCredentialProfile -ProfileName staging -Force  # expect: CRED204
Get-S3Bucket -ProfileName prod
