# From the AWS Tools for PowerShell user guide.
Set-AWSCredential -AccessKey AKIAIOSFODNN7EXAMPLE -SecretKey wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY -StoreAs MyNewProfile  # expect: CRED306, CRED306
Get-EC2Instance -ProfileName MyNewProfile -Region us-west-2
