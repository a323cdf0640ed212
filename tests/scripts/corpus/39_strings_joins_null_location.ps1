# Words after a parameter name inside a string's text are not values.
Write-Host "Pass -AccessKey and -SecretKey parameters to override the profile"
Write-Verbose "-AccessKey $a given"
# A real key in a string is still a key.
Write-Host "-SecretKey q7Vz1cKf0Lr9tX2mN8bW4yH6jD3sA5gE0pR1uI7o"  # expect: CRED302
# Two variables joined in one argument are one word (PowerShell): the call is analysed.
Get-S3Object -BucketName $bucket$suffix -Profile prod  # expect: CRED404
Get-S3Object -Key $prefix$name -ProfileName prodd  # expect: CRED201
# -ProfileLocation $null or '' is the default store chain (powershell.md §4.2).
Get-S3Bucket -ProfileName prod -ProfileLocation $null
Get-S3Bucket -ProfileName prodd -ProfileLocation ''  # expect: CRED201
