# A statement tree-sitter cannot parse (here `Select-Object A,B`) makes only that
# statement unreliable: the rest of its function is still analysed (powershell.md §9).
function Get-Buckets {
    Set-AWSCredentials -ProfileName nope  # expect: CRED401, CRED409, CRED201
    Get-S3Bucket | Select-Object BucketName,CreationDate
    Get-S3Bucket -ProfileName prodd  # expect: CRED201
}
Get-Buckets
foreach ($region in 'eu-west-1', 'us-east-1') {
    Get-EC2Instance -Region $region | Format-Table InstanceId,State
    Get-EC2Instance -ProfileName Prod -Region $region  # expect: CRED209
}
# A block whose closing brace is missing: where it ends is a guess, so the calls
# inside it get no profile finding.
function Open-Unclosed {
    Get-S3Bucket -ProfileName not-there
