$common = @{
    ProfileName = 'stagign'  # expect: CRED201
    Region      = 'eu-west-1'
}
Get-EC2Instance @common
Get-EC2Vpc @common
$good = @{ ProfileName = 'staging'; Region = 'eu-west-1' }
Get-EC2Instance @good
$amb = @{ Prof = 'staging' }  # expect: CRED404
Get-S3Bucket @amb
$keys = @{ AccessKey = 'AKIAUJZDEGXDNCF32EPF'; SecretKey = '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' }  # expect: CRED301, CRED302
Get-S3Bucket @keys
