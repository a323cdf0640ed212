# Helper functions for the release pipeline.
function New-ReleaseProfile {
    param([string]$Name = 'release')
    Set-AWSCredential -ProfileName prod -StoreAs $Name
}

function Publish-Release {
    Write-S3Object -BucketName example-releases -File ./release.zip -ProfileName release
    Write-S3Object -BucketName example-releases -File ./release.zip -ProfileName relese  # expect: CRED201
}

New-ReleaseProfile
Publish-Release
Get-S3Bucket -ProfileName release
Get-S3Bucket -ProfileName releases-archive-2019  # expect: CRED201
