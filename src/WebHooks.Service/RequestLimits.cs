namespace WebHooks.Service;

public static class RequestLimits
{
    /// <summary>The largest request body the server reads at all; endpoints set tighter limits of their own.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>The largest management request (SOAP envelope, JSON or form): these are small.</summary>
    public const int MaxManagementBodyBytes = 64 * 1024;
}
