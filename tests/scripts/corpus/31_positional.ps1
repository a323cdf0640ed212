Set-AWSCredential staging
Set-AWSCredential stagin  # expect: CRED201
Remove-AWSCredentialProfile stagin -Force  # expect: CRED201
Get-AWSCredential -ProfileName maybe-missing
