# Tear down the temporary profile after the nightly job.
Set-AWSCredential -ProfileName dev -StoreAs nightly
Get-S3Bucket -ProfileName nightly

Remove-AWSCredentialProfile -ProfileName nightly -Force
# Used after it was removed above (CRED204).
Get-S3Bucket -ProfileName nightly

# -ProfileLocation names a file that is not there (CRED202) ...
Get-EC2Instance -ProfileName dev -ProfileLocation ./missing/credentials
# ... and one that is there but has no such profile (CRED203).
Get-EC2Instance -ProfileName prod -ProfileLocation ../aws/credentials

# credls: ignore-next-line[CRED201]
Get-LMFunctionList -ProfileName sandbox
