# Session helpers shared by the deployment scripts.
function Use-Prod {
    Set-AWSCredential -ProfileName prod  # expect: CRED409
    Get-S3Bucket
}

function Use-Staging {
    param([switch]$Quiet)
    if (-not $Quiet) { Write-Host 'switching to staging' }
    Set-AWSCredentials -ProfileName staging  # expect: CRED401, CRED409
}

function Use-Build {
    Set-AWSCredential -ProfileName build -Scope Global
}

function Use-Ci {
    Set-AWSCredential -ProfileName ci-deploy -Scope Script
}

function Save-Prod {
    # -StoreAs stores a profile; the session is not touched.
    Set-AWSCredential -ProfileName prod -StoreAs prod-copy
}

function Use-Forwarded {
    param([string]$ProfileName)
    Set-AWSCredential @PSBoundParameters
}

# At the top level the session lasts for the rest of the script.
Set-AWSCredential -ProfileName prod
Use-Prod
Get-S3Bucket
