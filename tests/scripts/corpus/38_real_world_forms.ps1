# Forms seen in public scripts that credls misread (found by running it over them).
# En dashes and typographic quotes pasted from a web page are what PowerShell reads
# as dashes and quotes.
Set-AWSCredential –AccessKey $ak –SecretKey $sk –StoreAs default  # expect: CRED403
Get-S3Bucket –Profile prod  # expect: CRED404
Get-S3Bucket –ProfileName “prodd”  # expect: CRED201
# The script's own function shadows the legacy alias: not an AWS call, no fix.
function Set-AWSCredentials {
    param($Module)
    Write-Host "configuring $Module"
}
Set-AWSCredentials -Module $module
# No credentials: instance metadata.
$env:AWS_PROFILE = 'dev'
$region = (Get-EC2InstanceMetadata -Category Region).SystemName
# A method call is one argument (the parser splits `$r.ToLower` and `()`): no
# positional -ProfileLocation.
Set-DefaultAWSRegion -Region $r.ToLower()
Remove-AWSCredentialProfile -ProfileName $name.Trim() -Force
