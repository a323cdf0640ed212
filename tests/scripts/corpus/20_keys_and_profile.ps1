# Literal keys win over -ProfileName: the profile is ignored (rules.md CRED406).
Get-S3Bucket -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -ProfileName prod  # expect: CRED406, CRED306, CRED306
# Keys from variables may be empty at run time, and then the profile is used:
# "keys if given, else this profile" is not reported.
Get-S3Bucket -AccessKey $env:K -SecretKey $env:S -ProfileName prod
Get-S3Bucket -AccessKey $env:K -SecretKey $env:S
# On the credential cmdlets keys and profile are different parameter sets: PowerShell
# refuses the call whatever the values.
Set-AWSCredential -AccessKey $env:K -SecretKey $env:S -ProfileName prod  # expect: CRED406
