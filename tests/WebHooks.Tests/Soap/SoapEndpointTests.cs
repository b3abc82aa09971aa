using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Soap;

/// <summary>
/// Both SOAP endpoints with hand-written envelopes: what is not valid SOAP gets a fault and the service keeps
/// serving; DTDs are refused unresolved; large bodies are refused; empty parameters mean "not given";
/// business errors are envelopes, never faults; accounts never see each other's webhooks.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class SoapEndpointTests
{
    private const string Doc = RawSoap.DocumentPath;
    private const string Rpc = RawSoap.RpcPath;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    [DataRow(Doc, false)]
    [DataRow(Doc, true)]
    [DataRow(Rpc, false)]
    public async Task ValidRequestsWorkOnEveryEndpointAndVersion(string path, bool soap12)
    {
        await using var host = await ServiceHost.StartAsync();

        var created = await RawSoap.PostAsync(host.Http, path, "CreateWebHook",
            [("username", "demo"), ("password", "demo"), ("app", "a"), ("event", "optin_finalized"), ("url", "https://example.com/h")], soap12, Token);

        Assert.AreEqual(HttpStatusCode.OK, created.Status, created.ToString());
        Assert.StartsWith(soap12 ? "application/soap+xml" : "text/xml", created.ContentType, created.ToString());
        var reply = created.Return("CreateWebHook");
        Assert.AreEqual(path == Rpc ? "" : RawSoap.Namespace, reply.Name.NamespaceName, "document/literal: qualified <return>; rpc/literal: unqualified");
        Assert.AreEqual(0, RawSoap.Int(reply, "error"), created.ToString());
        Assert.AreEqual("optin_finalized", RawSoap.Text(RawSoap.Child(reply, "result")!, "event"));
    }

    [TestMethod]
    [DataRow(Doc, "text/xml", "not xml at all")]
    [DataRow(Doc, "text/xml", "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>")]
    [DataRow(Doc, "text/xml", "<hello>world</hello>")]
    [DataRow(Doc, "text/xml", "")]
    [DataRow(Doc, "application/json", "{\"username\":\"demo\"}")]
    [DataRow(Doc, "application/soap+xml", "<<<")]
    [DataRow(Doc, "text/xml", "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>")]
    [DataRow(Doc, "text/xml", "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><NoSuchFunction xmlns=\"urn:webhooks:soap\"/></soap:Body></soap:Envelope>")]
    [DataRow(Doc, "text/xml", "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><ActivateWebHook xmlns=\"urn:webhooks:soap\"><username>demo</username><password>demo</password><webhookId>abc</webhookId></ActivateWebHook></soap:Body></soap:Envelope>")]
    [DataRow(Doc, "text/xml", "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body><GetWebHooks xmlns=\"urn:webhooks:soap\"/></soap:Body></soap:Envelope>")]
    [DataRow(Rpc, "text/xml", "not xml at all")]
    [DataRow(Rpc, "text/xml", "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><w:DeleteWebHookById xmlns:w=\"urn:webhooks:soap\"><webhookId>99999999999999</webhookId></w:DeleteWebHookById></soap:Body></soap:Envelope>")]
    public async Task WhatIsNotValidSoapGetsAFaultAndTheServiceKeepsServing(string path, string contentType, string body)
    {
        await using var host = await ServiceHost.StartAsync();

        var response = await RawSoap.SendAsync(host.Http, path, new StringContent(body, Encoding.UTF8, contentType), Token);

        Assert.IsTrue(response.Status is HttpStatusCode.InternalServerError or HttpStatusCode.BadRequest, response.ToString());
        AssertFault(response);
        Assert.DoesNotContain("   at ", response.Body, "no stack trace");
        await AssertStillServes(host, path);
    }

    [TestMethod]
    public async Task Soap12FaultsAreSoap12SenderFaults()
    {
        await using var host = await ServiceHost.StartAsync();

        var response = await RawSoap.SendAsync(host.Http, Doc, new StringContent("<broken", Encoding.UTF8, "application/soap+xml"), Token);

        Assert.AreEqual(HttpStatusCode.BadRequest, response.Status, response.ToString());
        var fault = XDocument.Parse(response.Body).Descendants(RawSoap.Soap12 + "Fault").Single();
        Assert.AreEqual("env:Sender", fault.Element(RawSoap.Soap12 + "Code")!.Element(RawSoap.Soap12 + "Value")!.Value);
    }

    [TestMethod]
    [DataRow(Doc)]
    [DataRow(Rpc)]
    public async Task DoctypesAreRefusedAndNoEntityIsResolved(string path)
    {
        await using var host = await ServiceHost.StartAsync();
        var secretFile = Path.Combine(host.Directory, "secret.txt");
        await File.WriteAllTextAsync(secretFile, "TOP-SECRET-CONTENT", Token);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        string[] attacks =
        [
            // external entity: a local file
            $"""<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{secretFile}">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetWebHooks xmlns="urn:webhooks:soap"><username>&x;</username><password>demo</password></GetWebHooks></soap:Body></soap:Envelope>""",
            // external entity and external DTD: a URL on this machine (the listener would see a connection)
            $"""<?xml version="1.0"?><!DOCTYPE e SYSTEM "http://127.0.0.1:{port}/dtd" [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/entity">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetWebHooks xmlns="urn:webhooks:soap"><username>&x;</username><password>demo</password></GetWebHooks></soap:Body></soap:Envelope>""",
            // entity expansion ("billion laughs")
            """<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetWebHooks xmlns="urn:webhooks:soap"><username>&c;</username><password>demo</password></GetWebHooks></soap:Body></soap:Envelope>""",
        ];
        foreach (var attack in attacks)
        {
            var response = await RawSoap.SendAsync(host.Http, path, new StringContent(attack, Encoding.UTF8, "text/xml"), Token);

            Assert.AreEqual(HttpStatusCode.InternalServerError, response.Status, response.ToString());
            AssertFault(response);
            Assert.Contains("DTD", response.Body, response.ToString());
            Assert.DoesNotContain("TOP-SECRET", response.Body);
        }
        Assert.IsFalse(listener.Pending(), "the service must not fetch an external DTD or entity");
        await AssertStillServes(host, path);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task BodiesOver64KiBAreRefused(bool chunked)
    {
        await using var host = await ServiceHost.StartAsync();
        var padding = new string('x', 70 * 1024);
        var envelope = RawSoap.Envelope("GetWebHooks", [("username", "demo"), ("password", "demo"), ("app", padding)]);
        var bytes = Encoding.UTF8.GetBytes(envelope);
        HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(bytes)) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        content.Headers.Add("SOAPAction", "\"urn:webhooks:soap/GetWebHooks\"");

        var response = await RawSoap.SendAsync(host.Http, Doc, content, Token);

        Assert.AreEqual(HttpStatusCode.RequestEntityTooLarge, response.Status, response.ToString());
        AssertFault(response);
        await AssertStillServes(host, Doc);
    }

    [TestMethod]
    public async Task BodiesJustUnderTheLimitAreServed()
    {
        await using var host = await ServiceHost.StartAsync();
        var envelope = RawSoap.Envelope("GetWebHooks", [("username", "demo"), ("password", "demo"), ("app", "x")]);
        var padding = new string(' ', 60 * 1024);
        var response = await RawSoap.SendAsync(host.Http, Doc, RawSoap.Content(envelope.Replace("<soap:Body>", "<soap:Body>" + padding), "GetWebHooks"), Token);

        Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
        Assert.AreEqual(0, RawSoap.Int(response.Return("GetWebHooks"), "error"));
    }

    /// <summary>PHP sends omitted positional arguments as empty elements: they mean "not given", never a fault.</summary>
    [TestMethod]
    [DataRow(Rpc)]
    [DataRow(Doc)]
    public async Task EmptyParametersMeanNotGiven(string path)
    {
        await using var host = await ServiceHost.StartAsync();
        var id = await CreateAsync(host, "demo", "demo", "app1");
        await CreateAsync(host, "demo", "demo", "app2");
        var idText = id.ToString(CultureInfo.InvariantCulture);

        var activated = await RawSoap.PostAsync(host.Http, path, "ActivateWebHook", [("username", "demo"), ("password", "demo"), ("webhookId", idText), ("replayEvents", "")], cancellationToken: Token);
        Assert.AreEqual(HttpStatusCode.OK, activated.Status, activated.ToString());
        Assert.AreEqual(0, RawSoap.Int(activated.Return("ActivateWebHook"), "error"), activated.ToString());

        var missingId = await RawSoap.PostAsync(host.Http, path, "ActivateWebHook", [("username", "demo"), ("password", "demo"), ("webhookId", ""), ("replayEvents", "")], cancellationToken: Token);
        Assert.AreEqual(HttpStatusCode.OK, missingId.Status, missingId.ToString());
        Assert.AreEqual(2, RawSoap.Int(missingId.Return("ActivateWebHook"), "error"));
        Assert.AreEqual("missing parameter: webhookId", RawSoap.Text(missingId.Return("ActivateWebHook"), "message"));

        var deleteEmpty = await RawSoap.PostAsync(host.Http, path, "DeleteWebHookById", [("username", "demo"), ("password", "demo"), ("webhookId", "")], cancellationToken: Token);
        Assert.AreEqual(2, RawSoap.Int(deleteEmpty.Return("DeleteWebHookById"), "error"), deleteEmpty.ToString());

        var all = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "demo"), ("password", "demo"), ("app", ""), ("event", "")], cancellationToken: Token);
        Assert.AreEqual(2, RawSoap.Ids(all.Return("GetWebHooks")).Length, all.ToString());

        var missingUser = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", ""), ("password", "demo")], cancellationToken: Token);
        Assert.AreEqual("missing parameter: username", RawSoap.Text(missingUser.Return("GetWebHooks"), "message"));

        // xsi:nil (what a WCF client sends for a null int?) is "not given" as well.
        var nil = RawSoap.Envelope("ActivateWebHook", [("username", "demo"), ("password", "demo"), ("webhookId", idText)], rpc: path == Rpc)
            .Replace("</webhookId>", "</webhookId><replayEvents xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:nil=\"true\"/>");
        var nilResponse = await RawSoap.SendAsync(host.Http, path, RawSoap.Content(nil, "ActivateWebHook"), Token);
        Assert.AreEqual(0, RawSoap.Int(nilResponse.Return("ActivateWebHook"), "error"), nilResponse.ToString());
    }

    [TestMethod]
    [DataRow(Doc)]
    [DataRow(Rpc)]
    public async Task BusinessErrorsAreEnvelopesNotFaults(string path)
    {
        await using var host = await ServiceHost.StartAsync();

        var wrongPassword = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "demo"), ("password", "nope")], cancellationToken: Token);
        var badUrl = await RawSoap.PostAsync(host.Http, path, "CreateWebHook",
            [("username", "demo"), ("password", "demo"), ("app", "a"), ("event", "optin_finalized"), ("url", "ftp://example.com/")], cancellationToken: Token);
        var badReplay = await RawSoap.PostAsync(host.Http, path, "ActivateWebHook",
            [("username", "demo"), ("password", "demo"), ("webhookId", "1"), ("replayEvents", "7")], cancellationToken: Token);
        var notFound = await RawSoap.PostAsync(host.Http, path, "DeleteWebHookById", [("username", "demo"), ("password", "demo"), ("webhookId", "424242")], cancellationToken: Token);

        foreach (var (response, operation, error, message) in new[]
        {
            (wrongPassword, "GetWebHooks", 1, "login failed"),
            (badUrl, "CreateWebHook", 3, "invalid parameter: url"),
            (badReplay, "ActivateWebHook", 3, "invalid parameter: replayEvents"),
            (notFound, "DeleteWebHookById", 4, "webhook not found"),
        })
        {
            Assert.AreEqual(HttpStatusCode.OK, response.Status, response.ToString());
            Assert.IsFalse(response.IsFault, response.ToString());
            var reply = response.Return(operation);
            Assert.AreEqual(error, RawSoap.Int(reply, "error"), response.ToString());
            Assert.StartsWith(message, RawSoap.Text(reply, "message"));
            Assert.IsNull(RawSoap.Child(reply, "result"), "no result unless error is 0: " + response);
        }
    }

    [TestMethod]
    [DataRow(Doc)]
    [DataRow(Rpc)]
    public async Task AccountsNeverSeeEachOthersWebHooks(string path)
    {
        await using var host = await ServiceHost.StartAsync();
        await host.AddAccountAsync("second", "second-password");
        var id = (await CreateAsync(host, "demo", "demo", "mine")).ToString(CultureInfo.InvariantCulture);
        var own = await CreateAsync(host, "second", "second-password", "theirs");

        var list = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "second"), ("password", "second-password")], cancellationToken: Token);
        CollectionAssert.AreEqual(new[] { own }, RawSoap.Ids(list.Return("GetWebHooks")), list.ToString());
        var filtered = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "second"), ("password", "second-password"), ("app", "mine")], cancellationToken: Token);
        Assert.IsEmpty(RawSoap.Ids(filtered.Return("GetWebHooks")), filtered.ToString());

        var activate = await RawSoap.PostAsync(host.Http, path, "ActivateWebHook", [("username", "second"), ("password", "second-password"), ("webhookId", id), ("replayEvents", "1")], cancellationToken: Token);
        Assert.AreEqual(4, RawSoap.Int(activate.Return("ActivateWebHook"), "error"), activate.ToString());
        Assert.AreEqual("webhook not found", RawSoap.Text(activate.Return("ActivateWebHook"), "message"));
        var delete = await RawSoap.PostAsync(host.Http, path, "DeleteWebHookById", [("username", "second"), ("password", "second-password"), ("webhookId", id)], cancellationToken: Token);
        Assert.AreEqual(4, RawSoap.Int(delete.Return("DeleteWebHookById"), "error"), delete.ToString());

        var stillThere = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "demo"), ("password", "demo"), ("app", "mine")], cancellationToken: Token);
        CollectionAssert.AreEqual(new[] { int.Parse(id, CultureInfo.InvariantCulture) }, RawSoap.Ids(stillThere.Return("GetWebHooks")));
    }

    [TestMethod]
    public async Task OnlyTheContractIsServed()
    {
        await using var host = await ServiceHost.StartAsync();

        // SoapCore's side doors: operations by GET or form POST under the path, and its ?xsd / ?import file readers.
        foreach (var url in new[] { "webservice/soap/CreateWebHook?username=demo&password=demo", "webservice/soap/rpc/GetWebHooks?username=demo&password=demo",
                     "webservice/soap?xsd&name=WebHooks.Service.xml", "webservice/soap/rpc?import&name=webhooks.wsdl" })
        {
            using var get = await host.Http.GetAsync(url, Token);
            Assert.AreEqual(HttpStatusCode.NotFound, get.StatusCode, url);
        }
        using var form = await host.Http.PostAsync("webservice/soap/GetWebHooks",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "demo", ["password"] = "demo" }), Token);
        Assert.AreEqual(HttpStatusCode.NotFound, form.StatusCode);
        using var put = await host.Http.PutAsync("webservice/soap", new StringContent("x"), Token);
        Assert.AreEqual(HttpStatusCode.MethodNotAllowed, put.StatusCode);
    }

    private async Task<int> CreateAsync(ServiceHost host, string user, string password, string app)
    {
        var created = await RawSoap.PostAsync(host.Http, Doc, "CreateWebHook",
            [("username", user), ("password", password), ("app", app), ("event", "optin_finalized"), ("url", "https://example.com/" + app)], cancellationToken: Token);
        var reply = created.Return("CreateWebHook");
        Assert.AreEqual(0, RawSoap.Int(reply, "error"), created.ToString());
        return RawSoap.Int(RawSoap.Child(reply, "result")!, "id");
    }

    private async Task AssertStillServes(ServiceHost host, string path)
    {
        var response = await RawSoap.PostAsync(host.Http, path, "GetWebHooks", [("username", "demo"), ("password", "demo")], cancellationToken: Token);
        Assert.AreEqual(HttpStatusCode.OK, response.Status, "the service keeps serving: " + response);
        Assert.AreEqual(0, RawSoap.Int(response.Return("GetWebHooks"), "error"));
    }

    private static void AssertFault(SoapResponse response)
    {
        var document = XDocument.Parse(response.Body);
        Assert.IsTrue(document.Descendants().Any(e => e.Name.LocalName == "Fault" && (e.Name.Namespace == RawSoap.Soap11 || e.Name.Namespace == RawSoap.Soap12)),
            "a SOAP fault: " + response);
    }

    /// <summary>A body without a length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
