using System.Globalization;
using WebHooks.Service.Soap;

namespace WebHooks.Service.Pages.Demo;

public enum ParameterType { String, Int }

/// <summary>What a function's <c>result</c> holds on success (spec 3.1).</summary>
public enum ResultShape { WebHook, WebHookList, Activation, WebHookId, DeliveryList }

public sealed record FunctionParameter(string Name, ParameterType Type, bool Required, string Label, string Hint, string Example = "")
{
    /// <summary>The value a client sends when the user leaves an optional parameter empty.</summary>
    public string Default { get; init; } = "";

    /// <summary>The values to choose from, when the parameter has a fixed set (the event names).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];
}

public sealed record ServiceFunction(string Name, string Summary, ResultShape Result, IReadOnlyList<FunctionParameter> Parameters)
{
    /// <summary>The document/literal wrapper elements (spec 3.3): the response, and the reply inside it.</summary>
    public string ResponseElement => Name + "Response";
    public string ReturnElement => SoapNames.Return;
}

/// <summary>
/// The one description of the six functions (spec 3.1, 11) from which the demo page's form, the SOAP
/// envelope it posts and every generated snippet are made, so that they cannot drift apart.
/// A test holds it against the checked-in WSDL files.
/// </summary>
public static class ServiceFunctions
{
    // The names on the wire come from the SOAP binding itself, so the demo cannot disagree with it.
    public const string Namespace = SoapNames.Namespace;
    public const string ContractName = SoapNames.ServiceName;
    public const string DocumentPath = SoapNames.DocumentPath;
    public const string RpcPath = SoapNames.RpcPath;

    public static string SoapAction(ServiceFunction function) => SoapNames.ActionPrefix + function.Name;

    private static readonly FunctionParameter Username = new("username", ParameterType.String, true, "Username", "Your account's name.", "demo");
    private static readonly FunctionParameter Password = new("password", ParameterType.String, true, "Password", "Your account's password.", "demo");
    private static readonly FunctionParameter WebHookId = new("webhookId", ParameterType.Int, true, "Webhook id", "The id that CreateWebHook returned.", "1");

    public static readonly ServiceFunction CreateWebHook = new(
        "CreateWebHook", "Connects an event to a URL of yours: from now on the event's data is POSTed there as JSON.", ResultShape.WebHook,
        [
            Username, Password,
            new("app", ParameterType.String, true, "App", "Free text (1-100 characters) for your own filtering.", "my-shop"),
            new("event", ParameterType.String, true, "Event", "The event to receive.", EventNames.OptInFinalized) { Choices = EventNames.All },
            new("url", ParameterType.String, true, "URL", "Absolute http or https URL that receives the POST.", "https://www.example.com/webhooks/optin"),
        ]);

    public static readonly ServiceFunction GetWebHooks = new(
        "GetWebHooks", "Lists your webhooks, oldest first, optionally only those of one app and/or event.", ResultShape.WebHookList,
        [
            Username, Password,
            new("app", ParameterType.String, false, "App", "Only the webhooks of this app (empty: all)."),
            new("event", ParameterType.String, false, "Event", "Only the webhooks of this event (empty: all).") { Choices = EventNames.All },
        ]);

    public static readonly ServiceFunction ActivateWebHook = new(
        "ActivateWebHook", "Activates a webhook that was deactivated, and replays or discards the events buffered meanwhile.", ResultShape.Activation,
        [
            Username, Password, WebHookId,
            new("replayEvents", ParameterType.Int, false, "Replay buffered events", "1: deliver the buffered events first; 0: discard them.", "0")
                { Default = "0", Choices = ["0", "1"] },
        ]);

    public static readonly ServiceFunction DeleteWebHookById = new(
        "DeleteWebHookById", "Deletes a webhook and everything still queued or buffered for it.", ResultShape.WebHookId,
        [Username, Password, WebHookId]);

    public static readonly ServiceFunction GetWebHookDeliveries = new(
        "GetWebHookDeliveries", "Lists a webhook's delivery attempts of the last 7 days, newest first: when, which event, HTTP status, duration, error.",
        ResultShape.DeliveryList,
        [
            Username, Password, WebHookId,
            new("limit", ParameterType.Int, false, "Limit", "How many attempts, newest first: 1-100 (empty: 20).", "20") { Default = "20" },
        ]);

    public static readonly ServiceFunction RotateWebHookSecret = new(
        "RotateWebHookSecret", "Gives a webhook a new signing secret; for 24 hours deliveries are signed with the new and the previous one.",
        ResultShape.WebHook,
        [Username, Password, WebHookId]);

    public static readonly IReadOnlyList<ServiceFunction> All =
        [CreateWebHook, GetWebHooks, ActivateWebHook, DeleteWebHookById, GetWebHookDeliveries, RotateWebHookSecret];

    public static ServiceFunction? Find(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One call of a function with the values a user entered, as the envelope and snippets need them.</summary>
public sealed class FunctionCall
{
    private readonly Dictionary<string, string> _values;

    /// <param name="baseUrl">The service's address as the customer reaches it, without a trailing slash.</param>
    public FunctionCall(ServiceFunction function, IReadOnlyDictionary<string, string?> values, string baseUrl)
    {
        Function = function;
        BaseUrl = baseUrl.TrimEnd('/');
        _values = function.Parameters.ToDictionary(
            p => p.Name,
            p => values.TryGetValue(p.Name, out var v) && !string.IsNullOrEmpty(v?.Trim()) ? v.Trim() : p.Default);
        Problems = [.. function.Parameters
            .Where(p => p.Type == ParameterType.Int && _values[p.Name] != "" && !TryInt(_values[p.Name], out _))
            .Select(p => $"{p.Name}: not an integer")];
    }

    public ServiceFunction Function { get; }
    public string BaseUrl { get; }
    public string DocumentEndpoint => BaseUrl + ServiceFunctions.DocumentPath;
    public string RpcEndpoint => BaseUrl + ServiceFunctions.RpcPath;
    public string SoapAction => ServiceFunctions.SoapAction(Function);

    /// <summary>Values that no client could send as typed (a webhook id that is not a number).</summary>
    public IReadOnlyList<string> Problems { get; }

    public IEnumerable<(FunctionParameter Parameter, string Value)> Arguments => Function.Parameters.Select(p => (p, _values[p.Name]));

    public string Text(FunctionParameter parameter) => _values[parameter.Name];

    /// <summary>An int parameter's value; an empty one is 0, which the service reads as "not given".</summary>
    public int Int(FunctionParameter parameter) => TryInt(_values[parameter.Name], out var v) ? v : 0;

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
