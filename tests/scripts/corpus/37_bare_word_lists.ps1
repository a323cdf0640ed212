# Lists of bare words are the commonest array arguments; tree-sitter-powershell has
# no rule for them (see credls/powershell/parser.py): every call after one must still
# be analysed, and the rest of a list is not a positional argument.
Get-S3Bucket | Select-Object BucketName, CreationDate
Get-S3Bucket -ProfileName prodd  # expect: CRED201
$instances = Get-EC2Instance -InstanceId i-0a1, i-0b2, i-0c3 -ProfileName Prod  # expect: CRED209
$instances | Format-Table InstanceId,  State -AutoSize
Remove-Variable -Name instances, region
Set-AWSCredentials -ProfileName staging  # expect: CRED401
Get-EC2Instance -Region eu-west-1
