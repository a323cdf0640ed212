param([switch]$Fresh)
if ($Fresh) {
    Set-AWSCredential -ProfileName prod -StoreAs nightly
}
Get-S3Bucket -ProfileName nightly
if ($Fresh) {
    Remove-AWSCredentialProfile -ProfileName staging -Force
}
Get-S3Bucket -ProfileName staging
if ($env:CI) {
    Remove-AWSCredentialProfile -ProfileName ci-deploy -Force
} elseif ($env:BUILD) {
    Remove-AWSCredentialProfile ci-deploy -Force
} else {
    Remove-AWSCredentialProfile -ProfileName ci-deploy -Force -Confirm:$false
}
Get-S3Bucket -ProfileName ci-deploy  # expect: CRED204
