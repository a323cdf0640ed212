Get-S3Bucket -ProfileName stagng  # expect: CRED201
function Broken {
    Get-S3Bucket -ProfileName missing-inside
