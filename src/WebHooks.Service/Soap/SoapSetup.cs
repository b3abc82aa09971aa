using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Xml;
using SoapCore;
using WebHooks.Service.Wire;

namespace WebHooks.Service.Soap;

/// <summary>
/// The two SOAP endpoints of spec 3.3, one implementation (<see cref="WebHookSoapService"/>):
/// <list type="bullet">
/// <item><c>POST /webservice/soap</c>: document/literal wrapped, SOAP 1.1 (text/xml) and 1.2 (application/soap+xml);
/// WSDL <c>wsdl/webhooks.wsdl</c>.</item>
/// <item><c>POST /webservice/soap/rpc</c>: rpc/literal, SOAP 1.1; WSDL <c>wsdl/webhooks-rpc.wsdl</c>.</item>
/// </list>
/// Both serve the checked-in WSDL files (SoapCore never generates rpc WSDLs) with the service's real address
/// (WebHooks:PublicBaseUrl, else the request's own). The SOAP 1.2 encoder writes no WS-Addressing headers; WCF
/// clients with MessageVersion.Soap12 (WS-Addressing 1.0) and with Soap12 + AddressingVersion.None both work.
/// Every POST passes <see cref="SoapRequestGuard"/> first (size limit, no DTDs, faults for non-SOAP, empty = not given).
/// Each path is matched exactly: SoapCore itself matches prefixes, and would also offer its "call an operation
/// by GET or form POST on /path/{operation}" side door, which is not part of the contract.
/// </summary>
public static class SoapSetup
{
    public static IServiceCollection AddWebHooksSoap(this IServiceCollection services)
    {
        services.AddSoapCore();
        services.AddSoapExceptionTransformer(FaultText);
        services.AddScoped<WebHookSoapService>();
        services.AddScoped<IWebHookService>(sp => sp.GetRequiredService<WebHookSoapService>());
        services.AddScoped<IWebHookRpcService>(sp => sp.GetRequiredService<WebHookSoapService>());
        return services;
    }

    public static void UseWebHooksSoap(this WebApplication app)
    {
        // Each branch matches its path exactly (see Map), so /webservice/soap never swallows /webservice/soap/rpc.
        // rpc only: legacy Perl SOAP::Lite sends unnamed (c-gensym) arguments, bound by position in the rpc contract's order.
        Map<IWebHookRpcService>(app, SoapNames.RpcPath, SoapNames.RpcWsdlFile, PositionalParameters.Of<IWebHookRpcService>(),
            [new SoapEncoderOptions { MessageVersion = MessageVersion.Soap11, BindingName = "WebHookServiceRpcSoap", PortName = "WebHookServiceRpcSoap" }]);
        Map<IWebHookService>(app, SoapNames.DocumentPath, SoapNames.DocumentWsdlFile, PositionalParameters.None,
        [
            new SoapEncoderOptions { MessageVersion = MessageVersion.Soap11, BindingName = "WebHookServiceSoap", PortName = "WebHookServiceSoap" },
            new SoapEncoderOptions { MessageVersion = MessageVersion.CreateVersion(EnvelopeVersion.Soap12, AddressingVersion.None), BindingName = "WebHookServiceSoap12", PortName = "WebHookServiceSoap12" },
        ]);
    }

    private static void Map<TContract>(WebApplication app, string path, string wsdlFile, PositionalParameters positional, SoapEncoderOptions[] encoders)
    {
        var key = path.Replace("/", "");
        var wsdl = new WsdlFileOptionsCaseInsensitive
        {
            AppPath = AppContext.BaseDirectory.TrimEnd('/', '\\'),
            // The soap:address of the served WSDL: WebHooks:PublicBaseUrl, else the request's own base.
            UrlOverrideFunc = (_, context) =>
                PublicBaseUrl.Of(context.Request, context.RequestServices.GetRequiredService<WebHooksOptions>()) + "/",
        };
        wsdl.WebServiceWSDLMapping[key] = new WebServiceWSDLMapping
        {
            WsdlFile = wsdlFile,
            WSDLFolder = SoapNames.WsdlFolder,
            UrlOverride = path.TrimStart('/'),
        };

        ((IApplicationBuilder)app).MapWhen(
            context => string.Equals(context.Request.Path.Value?.TrimEnd('/'), path, StringComparison.OrdinalIgnoreCase),
            branch =>
            {
                branch.UseMiddleware<SoapRequestGuard>(positional);
                branch.UseSoapEndpoint<TContract>(options =>
                {
                    options.Path = path;
                    options.CaseInsensitivePath = true;
                    options.EncoderOptions = encoders;
                    options.SoapSerializer = SoapSerializer.XmlSerializer;
                    options.WsdlFileOptions = wsdl;
                    options.HttpPostEnabled = false;
                    options.HttpsPostEnabled = false;
                    options.IndentXml = false;
                });
            });
    }

    /// <summary>The faultstring of a fault SoapCore raises (a request that is SOAP but not one of ours): no internals.</summary>
    private static string FaultText(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return inner switch
        {
            XmlException or FormatException or OverflowException => "invalid request: " + inner.Message,
            InvalidOperationException or ArgumentException when exception is InvalidOperationException or ArgumentException =>
                "invalid request: " + inner.Message,
            _ => "internal error",
        };
    }
}
