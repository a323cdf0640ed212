$regions = 'eu-west-1', 'us-east-1'
foreach ($region in $regions) {
    Get-EC2Instance -Region $region -ProfileName "loop-$region"
    Get-EC2Instance -Region $region -ProfileName looped
    Set-AWSCredential -ProfileName prod -StoreAs looped
    Remove-AWSCredentialProfile -ProfileName staging -Force
}
Get-S3Bucket -ProfileName staging
Get-S3Bucket -ProfileName looped
Get-S3Bucket -ProfileName unknown-after-loop  # expect: CRED201
$i = 0
while ($i -lt 3) {
    Get-SQSQueue -ProfileName retry-profile  # expect: CRED201
    $i++
}
