# Paste your keys below before running.
Set-AWSCredential -AccessKey 'YOUR_ACCESS_KEY_ID' -SecretKey 'YOUR_SECRET_ACCESS_KEY' -StoreAs onboarding  # expect: CRED301, CRED302
Set-AWSCredential -AccessKey '<access key id>' -SecretKey '<secret key>' -StoreAs onboarding2  # expect: CRED301, CRED302
Get-S3Bucket -ProfileName onboarding
Get-S3Bucket -ProfileName onboarding2
