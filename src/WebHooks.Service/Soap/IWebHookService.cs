using System.ServiceModel;
using System.Xml.Schema;
using System.Xml.Serialization;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Soap;

// The SOAP contracts of spec 3.3 and 11: the same six functions, parameters and result types on both endpoints,
// implemented once (WebHookSoapService). WsdlContractTests keeps each interface and its checked-in WSDL in step.
//
// On the wire (namespace urn:webhooks:soap, prefix w below):
//   document/literal wrapped, POST /webservice/soap (wsdl/webhooks.wsdl), SOAP 1.1 and 1.2:
//     <w:CreateWebHook><w:username>..</w:username>..</w:CreateWebHook>
//     <w:CreateWebHookResponse><w:return><w:error>0</w:error><w:message>..</w:message><w:result>..</w:result></w:return></w:CreateWebHookResponse>
//   rpc/literal, POST /webservice/soap/rpc (wsdl/webhooks-rpc.wsdl), SOAP 1.1: the same, except that the
//   parameters and the <return> part are unqualified (rpc/literal part accessors); what is inside <return> is qualified.
//
// Do not put [XmlSerializerFormat(Style = Rpc)] on a method: SoapCore then writes SOAP-encoded output.
// Optional parameters are nullable and marked [SoapOptional]; an empty element means "not given"
// (SoapRequestGuard drops empty parameter elements before SoapCore reads them).

/// <summary>Document/literal wrapped: <c>POST /webservice/soap</c>, SOAP 1.1 and 1.2.</summary>
[ServiceContract(Namespace = SoapNames.Namespace, Name = SoapNames.ServiceName)]
[XmlSerializerFormat]
public interface IWebHookService
{
    [OperationContract(Name = "CreateWebHook", Action = SoapNames.ActionPrefix + "CreateWebHook", ReplyAction = SoapNames.ActionPrefix + "CreateWebHookResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<WebHookReply> CreateWebHookAsync(string? username, string? password, string? app, string? @event, string? url);

    [OperationContract(Name = "GetWebHooks", Action = SoapNames.ActionPrefix + "GetWebHooks", ReplyAction = SoapNames.ActionPrefix + "GetWebHooksResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<WebHookListReply> GetWebHooksAsync(string? username, string? password, [SoapOptional] string? app, [SoapOptional] string? @event);

    [OperationContract(Name = "ActivateWebHook", Action = SoapNames.ActionPrefix + "ActivateWebHook", ReplyAction = SoapNames.ActionPrefix + "ActivateWebHookResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<ActivationReply> ActivateWebHookAsync(string? username, string? password, int webhookId, [SoapOptional] int? replayEvents);

    [OperationContract(Name = "DeleteWebHookById", Action = SoapNames.ActionPrefix + "DeleteWebHookById", ReplyAction = SoapNames.ActionPrefix + "DeleteWebHookByIdResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<DeleteReply> DeleteWebHookByIdAsync(string? username, string? password, int webhookId);

    [OperationContract(Name = "GetWebHookDeliveries", Action = SoapNames.ActionPrefix + "GetWebHookDeliveries", ReplyAction = SoapNames.ActionPrefix + "GetWebHookDeliveriesResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<DeliveryListReply> GetWebHookDeliveriesAsync(string? username, string? password, int webhookId, [SoapOptional] int? limit);

    [OperationContract(Name = "RotateWebHookSecret", Action = SoapNames.ActionPrefix + "RotateWebHookSecret", ReplyAction = SoapNames.ActionPrefix + "RotateWebHookSecretResponse")]
    [return: MessageParameter(Name = SoapNames.Return)]
    Task<WebHookReply> RotateWebHookSecretAsync(string? username, string? password, int webhookId);
}

/// <summary>
/// rpc/literal: <c>POST /webservice/soap/rpc</c>, SOAP 1.1, for PHP's positional calls
/// (<c>$c->CreateWebHook($user, $pass, $app, $event, $url)</c>, then <c>$r->error</c>, <c>$r->result->id</c>).
/// Parameters and the <c>return</c> part are unqualified.
/// </summary>
[ServiceContract(Namespace = SoapNames.Namespace, Name = SoapNames.ServiceName)]
public interface IWebHookRpcService
{
    [OperationContract(Name = "CreateWebHook", Action = SoapNames.ActionPrefix + "CreateWebHook", ReplyAction = SoapNames.ActionPrefix + "CreateWebHookResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<WebHookReply> CreateWebHookAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? app,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? @event,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? url);

    [OperationContract(Name = "GetWebHooks", Action = SoapNames.ActionPrefix + "GetWebHooks", ReplyAction = SoapNames.ActionPrefix + "GetWebHooksResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<WebHookListReply> GetWebHooksAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified), SoapOptional] string? app,
        [XmlElement(Form = XmlSchemaForm.Unqualified), SoapOptional] string? @event);

    [OperationContract(Name = "ActivateWebHook", Action = SoapNames.ActionPrefix + "ActivateWebHook", ReplyAction = SoapNames.ActionPrefix + "ActivateWebHookResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<ActivationReply> ActivateWebHookAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] int webhookId,
        [XmlElement(Form = XmlSchemaForm.Unqualified), SoapOptional] int? replayEvents);

    [OperationContract(Name = "DeleteWebHookById", Action = SoapNames.ActionPrefix + "DeleteWebHookById", ReplyAction = SoapNames.ActionPrefix + "DeleteWebHookByIdResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<DeleteReply> DeleteWebHookByIdAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] int webhookId);

    [OperationContract(Name = "GetWebHookDeliveries", Action = SoapNames.ActionPrefix + "GetWebHookDeliveries", ReplyAction = SoapNames.ActionPrefix + "GetWebHookDeliveriesResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<DeliveryListReply> GetWebHookDeliveriesAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] int webhookId,
        [XmlElement(Form = XmlSchemaForm.Unqualified), SoapOptional] int? limit);

    [OperationContract(Name = "RotateWebHookSecret", Action = SoapNames.ActionPrefix + "RotateWebHookSecret", ReplyAction = SoapNames.ActionPrefix + "RotateWebHookSecretResponse")]
    [return: MessageParameter(Name = SoapNames.Return), XmlElement(SoapNames.Return, Form = XmlSchemaForm.Unqualified)]
    Task<WebHookReply> RotateWebHookSecretAsync(
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? username,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] string? password,
        [XmlElement(Form = XmlSchemaForm.Unqualified)] int webhookId);
}

/// <summary>Marks a parameter that may be left out (minOccurs="0" in the document/literal WSDL).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class SoapOptionalAttribute : Attribute;

/// <summary>The names on the wire, in one place (the WSDL files use the same).</summary>
public static class SoapNames
{
    public const string Namespace = WireFormat.Namespace;
    public const string ServiceName = "WebHookService";
    public const string ActionPrefix = Namespace + "/";
    public const string Return = "return";

    public const string DocumentPath = "/webservice/soap";
    public const string RpcPath = "/webservice/soap/rpc";
    public const string DocumentWsdlFile = "webhooks.wsdl";
    public const string RpcWsdlFile = "webhooks-rpc.wsdl";

    /// <summary>The folder, under the application's base directory, that the service csproj copies wsdl/*.wsdl to.</summary>
    public const string WsdlFolder = "wsdl";
}
