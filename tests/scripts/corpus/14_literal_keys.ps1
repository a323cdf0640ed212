# Quick-and-dirty bootstrap script (do not commit!).
$accessKey = 'AKIA3DHODZDOCIS2JHTL'  # expect: CRED301
$secretKey = "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"  # expect: CRED302
Set-AWSCredential -AccessKey $accessKey -SecretKey $secretKey -StoreAs bootstrap
Get-S3Bucket -AK AKIAGMXGEDN73U55XTPL -SK lHUvTCQCyEZDz+TddJ8HyS5SUkCnD8zRA9a9SkpX  # expect: CRED301, CRED302
Get-S3Bucket -AccessKey:'short-id' -SecretK 'not-a-real-secret' -ProfileName bootstrap  # expect: CRED301, CRED302, CRED406
Get-S3Bucket -AccessKey $accessKey -SecretKey $secretKey -SessionToken 'IQoJb3JpZ2luX2VjECgaCWV1LXdlc3QtMSJHMEUCIQDy7cHq9Tn2Kx4Lw' -Region eu-west-1  # expect: CRED303
# expect-at: 10 CRED302
$secret = @'
z9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT6
'@
Get-S3Bucket -AccessKey $accessKey -SecretKey $secret
