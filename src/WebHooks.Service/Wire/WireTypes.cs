using System.Globalization;
using System.Text.Json.Serialization;
using System.Xml.Serialization;
using WebHooks.Management;

namespace WebHooks.Service.Wire;

// The types on the wire, shared by the SOAP and JSON bindings: the envelope of spec 3.2 around the
// results of spec 3.1. Only xsd:string and xsd:int (and these structures) appear on the wire.
// In XML, every element inside these types is qualified (namespace urn:webhooks:soap): both WSDL schemas say
// elementFormDefault="qualified". Only the rpc endpoint's parameters and its <return> part are unqualified.

public static class WireFormat
{
    public const string Namespace = "urn:webhooks:soap";

    public static string Timestamp(DateTime? utc) =>
        utc is { } value ? value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "";
}

[XmlType("WebHook", Namespace = WireFormat.Namespace)]
public sealed class WebHook
{
    [XmlElement("id", Order = 1), JsonPropertyName("id")] public int Id { get; set; }
    [XmlElement("app", Order = 2), JsonPropertyName("app")] public string App { get; set; } = "";
    [XmlElement("event", Order = 3), JsonPropertyName("event")] public string Event { get; set; } = "";
    [XmlElement("url", Order = 4), JsonPropertyName("url")] public string Url { get; set; } = "";
    [XmlElement("active", Order = 5), JsonPropertyName("active")] public int Active { get; set; }
    [XmlElement("created", Order = 6), JsonPropertyName("created")] public string Created { get; set; } = "";
    [XmlElement("deactivated", Order = 7), JsonPropertyName("deactivated")] public string Deactivated { get; set; } = "";
    [XmlElement("bufferedEvents", Order = 8), JsonPropertyName("bufferedEvents")] public int BufferedEvents { get; set; }
    [XmlElement("lastError", Order = 9), JsonPropertyName("lastError")] public string LastError { get; set; } = "";
    [XmlElement("secret", Order = 10), JsonPropertyName("secret")] public string Secret { get; set; } = "";

    public static WebHook From(WebHookView view) => new()
    {
        Id = view.Id, App = view.App, Event = view.Event, Url = view.Url, Active = view.Active ? 1 : 0,
        Created = WireFormat.Timestamp(view.Created), Deactivated = WireFormat.Timestamp(view.Deactivated),
        BufferedEvents = view.BufferedEvents, LastError = view.LastError, Secret = view.Secret,
    };
}

[XmlType("Activation", Namespace = WireFormat.Namespace)]
public sealed class Activation
{
    [XmlElement("webhook", Order = 1), JsonPropertyName("webhook")] public WebHook WebHook { get; set; } = new();
    [XmlElement("replayedEvents", Order = 2), JsonPropertyName("replayedEvents")] public int ReplayedEvents { get; set; }
    [XmlElement("discardedEvents", Order = 3), JsonPropertyName("discardedEvents")] public int DiscardedEvents { get; set; }

    public static Activation From(ActivationView view) =>
        new() { WebHook = WebHook.From(view.WebHook), ReplayedEvents = view.ReplayedEvents, DiscardedEvents = view.DiscardedEvents };
}

[XmlType("Delivery", Namespace = WireFormat.Namespace)]
public sealed class Delivery
{
    [XmlElement("eventId", Order = 1), JsonPropertyName("eventId")] public string EventId { get; set; } = "";
    [XmlElement("event", Order = 2), JsonPropertyName("event")] public string Event { get; set; } = "";
    [XmlElement("attempt", Order = 3), JsonPropertyName("attempt")] public int Attempt { get; set; }
    [XmlElement("created", Order = 4), JsonPropertyName("created")] public string Created { get; set; } = "";
    [XmlElement("status", Order = 5), JsonPropertyName("status")] public int Status { get; set; }
    [XmlElement("durationMs", Order = 6), JsonPropertyName("durationMs")] public int DurationMs { get; set; }
    [XmlElement("succeeded", Order = 7), JsonPropertyName("succeeded")] public int Succeeded { get; set; }
    [XmlElement("error", Order = 8), JsonPropertyName("error")] public string Error { get; set; } = "";

    public static Delivery From(DeliveryView view) => new()
    {
        EventId = view.EventId, Event = view.Event, Attempt = view.Attempt, Created = WireFormat.Timestamp(view.Created),
        Status = view.Status, DurationMs = view.DurationMs, Succeeded = view.Succeeded ? 1 : 0, Error = view.Error,
    };
}

/// <summary>The envelope every function returns: error, message and, on success only, result.</summary>
[XmlType("Reply", Namespace = WireFormat.Namespace)]
public abstract class Reply
{
    [XmlElement("error", Order = 1), JsonPropertyName("error"), JsonPropertyOrder(1)] public int Error { get; set; }
    [XmlElement("message", Order = 2), JsonPropertyName("message"), JsonPropertyOrder(2)] public string Message { get; set; } = "";

    protected void SetStatus<T>(Outcome<T> outcome)
    {
        Error = (int)outcome.Error;
        Message = outcome.Message;
    }
}

[XmlType("WebHookReply", Namespace = WireFormat.Namespace)]
public sealed class WebHookReply : Reply
{
    [XmlElement("result", Order = 3), JsonPropertyName("result"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public WebHook? Result { get; set; }

    public static WebHookReply From(Outcome<WebHookView> outcome)
    {
        var reply = new WebHookReply { Result = outcome.Result is { } r ? WebHook.From(r) : null };
        reply.SetStatus(outcome);
        return reply;
    }
}

[XmlType("WebHookListReply", Namespace = WireFormat.Namespace)]
public sealed class WebHookListReply : Reply
{
    [XmlArray("result", Order = 3), XmlArrayItem("WebHook"), JsonPropertyName("result"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WebHook[]? Result { get; set; }

    public static WebHookListReply From(Outcome<IReadOnlyList<WebHookView>> outcome)
    {
        var reply = new WebHookListReply { Result = outcome.Result?.Select(WebHook.From).ToArray() };
        reply.SetStatus(outcome);
        return reply;
    }
}

[XmlType("DeliveryListReply", Namespace = WireFormat.Namespace)]
public sealed class DeliveryListReply : Reply
{
    [XmlArray("result", Order = 3), XmlArrayItem("Delivery"), JsonPropertyName("result"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Delivery[]? Result { get; set; }

    public static DeliveryListReply From(Outcome<IReadOnlyList<DeliveryView>> outcome)
    {
        var reply = new DeliveryListReply { Result = outcome.Result?.Select(Delivery.From).ToArray() };
        reply.SetStatus(outcome);
        return reply;
    }
}

[XmlType("ActivationReply", Namespace = WireFormat.Namespace)]
public sealed class ActivationReply : Reply
{
    [XmlElement("result", Order = 3), JsonPropertyName("result"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Activation? Result { get; set; }

    public static ActivationReply From(Outcome<ActivationView> outcome)
    {
        var reply = new ActivationReply { Result = outcome.Result is { } r ? Activation.From(r) : null };
        reply.SetStatus(outcome);
        return reply;
    }
}

[XmlType("DeleteReply", Namespace = WireFormat.Namespace)]
public sealed class DeleteReply : Reply
{
    [XmlElement("result", Order = 3), JsonPropertyName("result"), JsonPropertyOrder(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Result { get; set; }

    /// <summary>XmlSerializer leaves <c>result</c> out when this is false (no xsi:nil on the wire).</summary>
    [XmlIgnore, JsonIgnore] public bool ResultSpecified { get => Result.HasValue; set { } }

    public static DeleteReply From(Outcome<int> outcome)
    {
        var reply = new DeleteReply { Result = outcome.IsSuccess ? outcome.Result : null };
        reply.SetStatus(outcome);
        return reply;
    }
}
