# Wrapper helpers for the reporting buckets: common parameters come from a splat.
$common = @{
    ProfileName = 'prod'
    Region      = 'eu-west-1'
}
Get-S3Bucket @common
Get-S3Object -BucketName reports @common
# An explicit -ProfileName next to the splat: fine on PowerShell 7.1+, fails on 5.1.
Get-S3Object -BucketName reports @common -ProfileName staging  # expect: CRED408
Get-S3Object -BucketName reports -AWSProfileName staging @common  # expect: CRED408
# Name and alias on one call: refused by every PowerShell.
Get-EC2Instance -ProfileName prod -ProfileName staging  # expect: CRED408
Get-EC2Instance -Region eu-west-1 -ProfileName prod -AWSProfileName prod  # expect: CRED408
# Two splats that both carry the profile.
$override = @{ AWSProfileName = 'staging' }
Get-EC2Vpc @common @override  # expect: CRED408
# One hashtable naming the same parameter twice.
$messy = @{
    ProfileName    = 'prod'
    AWSProfileName = 'staging'  # expect: CRED408
}
Get-EC2Vpc @messy
Get-EC2Subnet @messy
# Defaults never duplicate a parameter bound on the call.
$PSDefaultParameterValues['*-S3*:ProfileName'] = 'prod'
Get-S3Bucket -ProfileName staging
Get-S3Bucket -Region eu-west-1
