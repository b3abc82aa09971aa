using System.Globalization;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Interop;

/// <summary>
/// Real SOAP clients, each working from the WSDL the service serves, unmodified, against the real service
/// (ServiceHost: Kestrel on 127.0.0.1). Each makes the full round trip of <see cref="RoundTrip"/>.
/// A missing client makes a test Inconclusive, or fails it under CI=true (see <see cref="Clients"/>).
/// </summary>
[TestClass]
[TestCategory("Interop")]
public sealed class InteropTests
{
    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task PhpSoapClientNamedArraysOnTheDocumentEndpoint()
    {
        var php = await Clients.RequirePhpSoapAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "php-array");

        var run = await Clients.RunAsync(php, ["-d", "soap.wsdl_cache_enabled=0", Clients.Script("php", "soap_array.php"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap?wsdl"),
            trip.DeliveredId.ToString(CultureInfo.InvariantCulture)], cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), "PHP SoapClient, array style, /webservice/soap; stderr: " + run.StandardError, withDeliveriesAndRotation: true);
    }

    [TestMethod]
    public async Task PhpSoapClientPositionalOnTheRpcEndpoint()
    {
        var php = await Clients.RequirePhpSoapAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "php-rpc");

        var run = await Clients.RunAsync(php, ["-d", "soap.wsdl_cache_enabled=0", Clients.Script("php", "soap_rpc.php"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap/rpc?wsdl"),
            trip.DeliveredId.ToString(CultureInfo.InvariantCulture)], cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), "PHP SoapClient, positional, /webservice/soap/rpc; stderr: " + run.StandardError, withDeliveriesAndRotation: true);
    }

    [TestMethod]
    [DataRow("soap11")]
    [DataRow("soap12")]
    public async Task PythonZeep(string binding)
    {
        var python = await Clients.RequireZeepAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "zeep-" + binding);

        var run = await Clients.RunAsync(python, [Clients.Script("python", "zeep_client.py"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap?wsdl"), binding], cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), $"Python zeep, {binding}; stderr: " + run.StandardError);
    }

    [TestMethod]
    public async Task NodeSoap()
    {
        var node = await Clients.RequireNodeSoapAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "node");

        var run = await Clients.RunAsync(node, [Clients.Script("node", "soap_client.js"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap?wsdl")],
            environment: new Dictionary<string, string> { ["NODE_PATH"] = Clients.NodeModules }, cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), "Node soap; stderr: " + run.StandardError);
    }

    /// <summary>
    /// Perl SOAP::Lite as legacy scripts use it, <c>-&gt;proxy($url)-&gt;uri($ns)-&gt;CreateWebHook('u', 'p', ...)</c>:
    /// the arguments arrive as <c>c-gensym3</c>, <c>c-gensym5</c>, ..., bound by position on the rpc endpoint.
    /// </summary>
    [TestMethod]
    public async Task PerlSoapLitePositionalOnTheRpcEndpoint()
    {
        var perl = await Clients.RequirePerlSoapLiteAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "perl-positional");

        var run = await Clients.RunAsync(perl, [Clients.Script("perl", "soap_lite.pl"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap/rpc"), "positional"], cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), "Perl SOAP::Lite, ->proxy->uri, positional, /webservice/soap/rpc; stderr: " + run.StandardError);
    }

    /// <summary>Perl SOAP::Lite from the served rpc WSDL: <c>SOAP::Lite-&gt;service($wsdlUrl)</c>, which names the arguments.</summary>
    [TestMethod]
    public async Task PerlSoapLiteFromTheRpcWsdl()
    {
        var perl = await Clients.RequirePerlSoapLiteAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "perl-wsdl");

        var run = await Clients.RunAsync(perl, [Clients.Script("perl", "soap_lite.pl"), .. trip.ScriptArguments(host.BaseUrl + "/webservice/soap/rpc?wsdl"), "wsdl"], cancellationToken: Token);

        trip.Verify(RoundTrip.Parse(run), "Perl SOAP::Lite, ->service(WSDL), /webservice/soap/rpc; stderr: " + run.StandardError);
    }

    /// <summary>Raw envelopes POSTed with the curl binary to the address the served WSDL names.</summary>
    [TestMethod]
    public async Task CurlRawEnvelopes()
    {
        var curl = await Clients.RequireCurlAsync();
        await using var host = await ServiceHost.StartAsync();
        var trip = await RoundTrip.PrepareAsync(host, "curl");

        var wsdl = await Clients.RunAsync(curl, ["-sS", "--fail", "--max-time", "30", host.BaseUrl + "/webservice/soap?wsdl"], cancellationToken: Token);
        Assert.AreEqual(0, wsdl.ExitCode, wsdl.Describe());
        var address = RawSoap.Addresses(wsdl.StandardOutput)["WebHookServiceSoap"];

        async Task<System.Xml.Linq.XElement> Call(string operation, params (string, string?)[] parameters)
        {
            var envelope = RawSoap.Envelope(operation, parameters);
            var run = await Clients.RunAsync(curl,
            [
                "-sS", "--max-time", "30", "-X", "POST",
                "-H", "Content-Type: text/xml; charset=utf-8",
                "-H", $"SOAPAction: \"urn:webhooks:soap/{operation}\"",
                "--data-binary", "@-",
                "-w", "\n%{http_code}",
                address,
            ], standardInput: envelope, cancellationToken: Token);
            Assert.AreEqual(0, run.ExitCode, run.Describe());
            var cut = run.StandardOutput.LastIndexOf('\n');
            var status = run.StandardOutput[(cut + 1)..].Trim();
            var body = run.StandardOutput[..cut];
            Assert.AreEqual("200", status, $"{operation}: HTTP {status}: {body}; stderr: {run.StandardError}");
            return RawSoap.Return(body, operation);
        }

        var (u, p) = (trip.Username, trip.Password);
        var report = new RoundTripReport { Create = RawSoap.WebHook(await Call("CreateWebHook", ("username", u), ("password", p), ("app", trip.App), ("event", trip.Event), ("url", trip.Url))) };
        var id = report.Create.Id.ToString(CultureInfo.InvariantCulture);
        report.ByApp = RawSoap.Ids(await Call("GetWebHooks", ("username", u), ("password", p), ("app", trip.App)));
        report.ByEvent = RawSoap.Ids(await Call("GetWebHooks", ("username", u), ("password", p), ("event", trip.Event)));
        report.ByOtherApp = RawSoap.Ids(await Call("GetWebHooks", ("username", u), ("password", p), ("app", trip.OtherApp)));
        report.Activate = RawSoap.Activation(await Call("ActivateWebHook", ("username", u), ("password", p), ("webhookId", id)));
        report.ActivateReplay = RawSoap.Activation(await Call("ActivateWebHook", ("username", u), ("password", p), ("webhookId", id), ("replayEvents", "1")));
        report.Delete = RawSoap.Delete(await Call("DeleteWebHookById", ("username", u), ("password", p), ("webhookId", id)));
        report.AfterDelete = RawSoap.Ids(await Call("GetWebHooks", ("username", u), ("password", p), ("app", trip.App)));
        report.WrongPassword = RawSoap.Status<ErrorReport>(await Call("CreateWebHook", ("username", u), ("password", p + "-wrong"), ("app", trip.App), ("event", trip.Event), ("url", trip.Url)));
        report.UnknownEvent = RawSoap.Status<ErrorReport>(await Call("CreateWebHook", ("username", u), ("password", p), ("app", trip.App), ("event", "no_such_event"), ("url", trip.Url)));

        trip.Verify(report, "curl, raw SOAP 1.1 envelopes");
    }
}
