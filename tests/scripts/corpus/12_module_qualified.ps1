AWS.Tools.Common\Set-AWSCredential -ProfileName staging
AWS.Tools.S3\Get-S3Bucket -ProfileName stagin  # expect: CRED201
AWSPowerShell\Initialize-AWSDefaults -ProfileName prod  # expect: CRED401, CRED403
AWSPowerShell.NetCore\Get-EC2Instance -ProfileName default
