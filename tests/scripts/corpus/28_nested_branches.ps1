param([switch]$A, [switch]$B)
if ($A) {
    if ($B) { Remove-AWSCredentialProfile -ProfileName prod -Force } else { Remove-AWSCredentialProfile prod -Force }
}
Get-S3Bucket -ProfileName prod
if ($A) { Set-AWSCredential -ProfileName prod -StoreAs both } else { Set-AWSCredential -ProfileName staging -StoreAs both }
Get-S3Bucket -ProfileName both
switch ($env:STAGE) {
    'prod' { Remove-AWSCredentialProfile -ProfileName build -Force }
    default { Remove-AWSCredentialProfile -ProfileName build -Force }
}
Get-S3Bucket -ProfileName build
