namespace WebHooks.Accounts;

/// <summary>Where the current call comes from (the client's address), for the login throttle. The host provides it from the HTTP connection.</summary>
public interface ICallerAddress
{
    /// <summary>The client's address as text; <see cref="Local"/> for calls that do not come over the network.</summary>
    string Current { get; }

    public const string Local = "local";
}

internal sealed class LocalCaller : ICallerAddress
{
    public string Current => ICallerAddress.Local;
}
