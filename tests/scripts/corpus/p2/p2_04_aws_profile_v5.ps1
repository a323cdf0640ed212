#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; ModuleVersion = '5.0.0' }
# Module v5 reads AWS_PROFILE: no finding.
$env:AWS_PROFILE = 'staging'
Get-S3Bucket
Get-EC2Instance -Region eu-west-1
