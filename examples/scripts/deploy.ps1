#Requires -Modules @{ ModuleName = 'AWS.Tools.Common'; ModuleVersion = '4.1.0' }
# Deploy the reporting site.
param(
    [string]$Stage = 'staging',
    [string]$ProfileName = 'deploy-prod'
)

# Profile names are checked against every store the call searches (CRED201,
# with a did-you-mean), here with the param() default value.
Write-S3Object -BucketName "reports-$Stage" -Folder ./site -Recurse -ProfileName $ProfileName

# 'ops' exists only as 'Ops' in the SDK store: works on Windows, fails elsewhere (CRED209).
Get-EC2Instance -ProfileName ops

# '-Profile' matches -ProfileName and -ProfileLocation: PowerShell refuses the call (CRED404).
Get-CFNStack -StackName reports -Profile dev

# Literal keys win over -ProfileName, which is then ignored (CRED406; the keys are
# AWS's documentation examples, CRED306). Keys from variables may be empty at run
# time, and then the profile is used: not reported.
Get-IAMUser -ProfileName dev -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
Get-IAMUser -ProfileName dev -AccessKey $env:AK -SecretKey $env:SK

# A value-taking credential parameter with no value (CRED407).
Get-S3Object -BucketName reports -ProfileName

# Known only on the CI runner (known-profiles in .credls.toml): no finding.
Get-ECRRepository -ProfileName ci-deploy

# A dynamic name is never guessed at.
Get-SSMParameter -Name /app/db -ProfileName $env:AWS_DEPLOY_PROFILE
