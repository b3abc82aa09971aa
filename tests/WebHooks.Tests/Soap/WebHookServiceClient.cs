using System.ServiceModel;
using System.Xml.Serialization;

namespace WebHooks.Tests.Soap.Client;

// A WCF client contract written from wsdl/webhooks.wsdl, the way a customer's proxy sees the service:
// deliberately not the server's IWebHookService or its wire types. Namespace urn:webhooks:soap for every
// element (elementFormDefault="qualified"); the result of each function is its <return> element.

[ServiceContract(Namespace = "urn:webhooks:soap", Name = "WebHookService")]
[XmlSerializerFormat(Style = OperationFormatStyle.Document, Use = OperationFormatUse.Literal)]
public interface IWebHookServiceClient
{
    [OperationContract(Name = "CreateWebHook", Action = "urn:webhooks:soap/CreateWebHook", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<WebHookReply> CreateWebHookAsync(string username, string password, string app, string @event, string url);

    [OperationContract(Name = "GetWebHooks", Action = "urn:webhooks:soap/GetWebHooks", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<WebHookListReply> GetWebHooksAsync(string username, string password, string? app, string? @event);

    [OperationContract(Name = "ActivateWebHook", Action = "urn:webhooks:soap/ActivateWebHook", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<ActivationReply> ActivateWebHookAsync(string username, string password, int webhookId, int? replayEvents);

    [OperationContract(Name = "DeleteWebHookById", Action = "urn:webhooks:soap/DeleteWebHookById", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<DeleteReply> DeleteWebHookByIdAsync(string username, string password, int webhookId);

    [OperationContract(Name = "GetWebHookDeliveries", Action = "urn:webhooks:soap/GetWebHookDeliveries", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<DeliveryListReply> GetWebHookDeliveriesAsync(string username, string password, int webhookId, int? limit);

    [OperationContract(Name = "RotateWebHookSecret", Action = "urn:webhooks:soap/RotateWebHookSecret", ReplyAction = "*")]
    [return: MessageParameter(Name = "return")]
    Task<WebHookReply> RotateWebHookSecretAsync(string username, string password, int webhookId);
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class Delivery
{
    [XmlElement("eventId", Order = 0)] public string? EventId { get; set; }
    [XmlElement("event", Order = 1)] public string? Event { get; set; }
    [XmlElement("attempt", Order = 2)] public int Attempt { get; set; }
    [XmlElement("created", Order = 3)] public string? Created { get; set; }
    [XmlElement("status", Order = 4)] public int Status { get; set; }
    [XmlElement("durationMs", Order = 5)] public int DurationMs { get; set; }
    [XmlElement("succeeded", Order = 6)] public int Succeeded { get; set; }
    [XmlElement("error", Order = 7)] public string? Error { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class DeliveryListReply
{
    [XmlElement("error", Order = 0)] public int Error { get; set; }
    [XmlElement("message", Order = 1)] public string? Message { get; set; }
    [XmlArray("result", Order = 2), XmlArrayItem("Delivery")]
    public Delivery[]? Result { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class WebHook
{
    [XmlElement("id", Order = 0)] public int Id { get; set; }
    [XmlElement("app", Order = 1)] public string? App { get; set; }
    [XmlElement("event", Order = 2)] public string? Event { get; set; }
    [XmlElement("url", Order = 3)] public string? Url { get; set; }
    [XmlElement("active", Order = 4)] public int Active { get; set; }
    [XmlElement("created", Order = 5)] public string? Created { get; set; }
    [XmlElement("deactivated", Order = 6)] public string? Deactivated { get; set; }
    [XmlElement("bufferedEvents", Order = 7)] public int BufferedEvents { get; set; }
    [XmlElement("lastError", Order = 8)] public string? LastError { get; set; }
    [XmlElement("secret", Order = 9)] public string? Secret { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class Activation
{
    [XmlElement("webhook", Order = 0)] public WebHook? WebHook { get; set; }
    [XmlElement("replayedEvents", Order = 1)] public int ReplayedEvents { get; set; }
    [XmlElement("discardedEvents", Order = 2)] public int DiscardedEvents { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class WebHookReply
{
    [XmlElement("error", Order = 0)] public int Error { get; set; }
    [XmlElement("message", Order = 1)] public string? Message { get; set; }
    [XmlElement("result", Order = 2)] public WebHook? Result { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class WebHookListReply
{
    [XmlElement("error", Order = 0)] public int Error { get; set; }
    [XmlElement("message", Order = 1)] public string? Message { get; set; }
    [XmlArray("result", Order = 2), XmlArrayItem("WebHook")]
    public WebHook[]? Result { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class ActivationReply
{
    [XmlElement("error", Order = 0)] public int Error { get; set; }
    [XmlElement("message", Order = 1)] public string? Message { get; set; }
    [XmlElement("result", Order = 2)] public Activation? Result { get; set; }
}

[XmlType(Namespace = "urn:webhooks:soap")]
public sealed class DeleteReply
{
    [XmlElement("error", Order = 0)] public int Error { get; set; }
    [XmlElement("message", Order = 1)] public string? Message { get; set; }
    [XmlElement("result", Order = 2)] public int Result { get; set; }
    [XmlIgnore] public bool ResultSpecified { get; set; }
}
