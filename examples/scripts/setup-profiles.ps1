#Requires -Modules AWS.Tools.Common
# One-time workstation setup: create the profiles the other scripts use.
[CmdletBinding()]
param([string]$Region = 'eu-west-1')

# Keys pasted into a script end up in git history (CRED301/CRED302).
Set-AWSCredential -AccessKey AKIAT3WQ5RZX7NKM2PLV -SecretKey 'Jd8Kf2Lg6Mh0Nj4Pk8Ql2Rm6Sn0Tp4Uq8Vr2Ws6X' -StoreAs reporting

# A template that expects you to paste a key: reported as information only.
$accessKey = 'YOUR_ACCESS_KEY_ID'

# Copies 'reporting' over 'default' (CRED403).
Initialize-AWSDefaultConfiguration -ProfileName reporting -Region $Region

# Legacy plural alias (CRED401) and a deprecated parameter (CRED402).
Set-AWSCredentials -StoredCredentials reporting

# Only half of a key pair: silently ignored by the cmdlet (CRED405).
Get-S3Bucket -AccessKey AKIAIOSFODNN7EXAMPLE
