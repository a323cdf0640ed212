# corpus: platform=windows
Get-S3Bucket -ProfileName WinBuild
Get-S3Bucket -ProfileName winbuild  # expect: CRED209
Get-S3Bucket -ProfileName prod
Set-AWSCredential -ProfileName prod -StoreAs WinCopy
Get-S3Bucket -ProfileName WinCopy
Get-S3Bucket -ProfileName OPS  # expect: CRED209
Remove-AWSCredentialProfile -ProfileName Ops -Force  # expect: CRED209
Set-AWSCredential -AccessKey $env:K -SecretKey $env:S -StoreAs NewWin
Get-S3Bucket -ProfileName newwin  # expect: CRED209
