# One-time setup of the smoke-test profile on a build agent, then a smoke test.
param(
    [string]$AccessKeyId = $env:CI_AWS_KEY_ID,
    [string]$Secret = $env:CI_AWS_SECRET
)
Set-AWSCredential -AccessKey $AccessKeyId -SecretKey $Secret -StoreAs ci-smoke
Get-STSCallerIdentity -ProfileName ci-smoke
Get-S3Bucket -ProfileName ci-smok  # expect: CRED201
