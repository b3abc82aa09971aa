namespace WebHooks.Management;

/// <summary>The error codes of the management API (spec 3.2). Their numbers are part of the contract.</summary>
public enum ErrorCode
{
    Ok = 0,
    LoginFailed = 1,
    MissingParameter = 2,
    InvalidParameter = 3,
    NotFound = 4,
    LimitReached = 5,
    Internal = 9,
}
