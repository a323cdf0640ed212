Get-S3Bucket -ProfileName ci-runtime
Get-S3Bucket -ProfileName $env:AWS_PROFILE_NAME
Get-S3Bucket -ProfileName "$env:STAGE-deploy"
Get-S3Bucket -ProfileName (Get-Content ./profile.txt)
