# Profiles from a project-local credentials file (ci/credentials beside this script).
Get-S3Bucket -ProfileName ci -ProfileLocation ./ci/credentials
Get-S3Bucket -ProfileName prod -ProfileLocation ./ci/credentials  # expect: CRED203
Get-S3Bucket -ProfileName ci -ProfileLocation ./missing/credentials  # expect: CRED202
Get-S3Bucket -ProfileName ci -ProfileLocation "$PSScriptRoot/ci/credentials"
Get-S3Bucket -ProfileName CI -ProfileLocation ci/credentials  # expect: CRED209
Set-AWSCredential -AccessKey $env:K -SecretKey $env:S -StoreAs local -ProfileLocation ./generated/credentials
Get-S3Bucket -ProfileName local -ProfileLocation ./generated/credentials
Get-S3Bucket -ProfileName lokal -ProfileLocation ./generated/credentials  # expect: CRED203
# Keys given: they win and the file is never read (powershell.md §3.1 step 1).
Get-S3Bucket -AccessKey $env:K -SecretKey $env:S -ProfileLocation ./missing/credentials
Get-S3Bucket -AccessKey $env:K -ProfileLocation ./missing/credentials  # expect: CRED405, CRED202
