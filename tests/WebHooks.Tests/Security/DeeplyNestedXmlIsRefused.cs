using System.Diagnostics;
using System.Net;
using System.Text;
using WebHooks.Tests.Soap;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Security;

/// <summary>
/// A valid envelope is fewer than 10 elements deep. 9,000 nested elements in a 63 KB body once cost
/// 150-350 ms of CPU each, growing faster than the size: the guard refuses such a body with a SOAP fault
/// before anything builds a tree of it.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class DeeplyNestedXmlIsRefused
{
    private static ServiceHost _host = null!;

    [ClassInitialize]
    public static async Task Start(TestContext _) => _host = await ServiceHost.StartAsync();

    [ClassCleanup]
    public static async Task Stop() => await _host.DisposeAsync();

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("<a>", depth)) + "x" + string.Concat(Enumerable.Repeat("</a>", depth));

    private static string Envelope(string username, bool rpc = false) =>
        RawSoap.Envelope("GetWebHooks", [("username", "USERNAME"), ("password", "demo")], rpc: rpc).Replace("USERNAME", username);

    [TestMethod]
    [DataRow(RawSoap.DocumentPath, false)]
    [DataRow(RawSoap.DocumentPath, true)]
    [DataRow(RawSoap.RpcPath, false)]
    public async Task ADeeplyNestedBodyGetsAFaultThatSaysSo(string path, bool soap12)
    {
        var envelope = Envelope(Nested(9000), rpc: path == RawSoap.RpcPath);
        if (soap12) envelope = envelope.Replace(RawSoap.Soap11.NamespaceName, RawSoap.Soap12.NamespaceName);
        Assert.IsLessThan(64 * 1024, Encoding.UTF8.GetByteCount(envelope), "within the size limit");

        var clock = Stopwatch.StartNew();
        var response = await RawSoap.SendAsync(_host.Http, path, RawSoap.Content(envelope, "GetWebHooks", soap12));
        clock.Stop();

        Assert.IsTrue(response.IsFault, response.ToString());
        Assert.AreEqual(soap12 ? HttpStatusCode.BadRequest : HttpStatusCode.InternalServerError, response.Status, response.ToString());
        StringAssert.Contains(response.Body, "nested more than 32 elements deep", response.ToString());
        Assert.IsLessThan(TimeSpan.FromSeconds(2), clock.Elapsed, "refused at once (a generous bound for a shared machine)");
    }

    [TestMethod]
    public async Task ModerateNestingAndNormalCallsStillWork()
    {
        // A structure inside a parameter a few levels deep is still under the cap: SoapCore answers as before
        // (a string parameter with elements in it is not valid for the contract, but it is not refused as deep).
        var moderate = await RawSoap.SendAsync(_host.Http, RawSoap.DocumentPath, RawSoap.Content(Envelope(Nested(20)), "GetWebHooks"));
        Assert.DoesNotContain("nested more than", moderate.Body, moderate.ToString());

        var normal = await RawSoap.PostAsync(_host.Http, RawSoap.DocumentPath, "GetWebHooks", [("username", "demo"), ("password", "demo")]);
        Assert.AreEqual(HttpStatusCode.OK, normal.Status, normal.ToString());
        Assert.AreEqual(0, RawSoap.Int(normal.Return("GetWebHooks"), "error"), normal.ToString());
    }
}
