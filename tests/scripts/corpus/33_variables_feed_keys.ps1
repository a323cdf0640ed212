$ak = 'AKIAPFT7V4SEH2KVJ72C'  # expect: CRED301
$sk = 'z9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1qhT6'  # expect: CRED302
Get-S3Bucket -AccessKey $ak -SecretKey $sk
Get-EC2Instance -AccessKey $ak -SecretKey $sk
