# Deploy the web bundle to S3 and invalidate the CDN cache.
param(
    [string]$Bucket = 'example-web-bundle',
    [string]$DistributionId = 'E2EXAMPLE1'
)
$ErrorActionPreference = 'Stop'
Write-Host "Deploying to $Bucket"
Write-S3Object -BucketName $Bucket -Folder ./dist -KeyPrefix web -Recurse -ProfileName prod -Region eu-west-1
Get-S3Object -BucketName $Bucket -KeyPrefix web -ProfileName prodd  # expect: CRED201
New-CFInvalidation -DistributionId $DistributionId -InvalidationBatch_CallerReference (Get-Date).Ticks -ProfileName prod
Write-Host 'Done.'
