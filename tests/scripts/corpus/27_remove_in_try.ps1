try {
    Remove-AWSCredentialProfile -ProfileName staging -Force
} catch {
    Write-Warning 'could not remove'
} finally {
    Write-Host 'cleanup attempted'
}
Get-S3Bucket -ProfileName staging
