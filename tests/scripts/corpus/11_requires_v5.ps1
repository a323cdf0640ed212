#Requires -Modules @{ModuleName='AWS.Tools.Common'; ModuleVersion='5.0.0'}
#Requires -Modules AWS.Tools.S3
Get-S3Bucket -ProfileName prod
Get-S3Bucket -ProfileName prof  # expect: CRED201
