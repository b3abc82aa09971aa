using System.Globalization;
using System.ServiceModel;
using System.ServiceModel.Channels;
using System.Text;
using WebHooks.Tests.Interop;
using WebHooks.Tests.Soap.Client;
using WebHooks.Tests.Support;

namespace WebHooks.Tests.Soap;

/// <summary>
/// .NET WCF clients (System.ServiceModel ChannelFactory) over the client-side contract
/// <see cref="IWebHookServiceClient"/>, written from the WSDL, at the address the served WSDL names:
/// SOAP 1.1 over BasicHttpBinding and SOAP 1.2 over a CustomBinding.
/// </summary>
[TestClass]
[TestCategory("EndToEnd")]
public sealed class WcfClientTests
{
    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Bindings =>
    [
        ["soap11-basicHttpBinding"],
        ["soap12-addressing10"],
        ["soap12-addressingNone"],
    ];

    [TestMethod]
    [DynamicData(nameof(Bindings))]
    public async Task RoundTrip(string binding)
    {
        await using var host = await ServiceHost.StartAsync();
        var trip = await Interop.RoundTrip.PrepareAsync(host, "wcf-" + binding);
        await using var client = await OpenAsync(host, binding);
        var c = client.Channel;
        var (u, p) = (trip.Username, trip.Password);

        var created = await c.CreateWebHookAsync(u, p, trip.App, trip.Event, trip.Url);
        var report = new RoundTripReport
        {
            Create = new WebHookReport
            {
                Error = created.Error, Message = created.Message ?? "", Id = created.Result?.Id ?? 0, App = created.Result?.App ?? "",
                Event = created.Result?.Event ?? "", Url = created.Result?.Url ?? "", Active = created.Result?.Active ?? 0, Secret = created.Result?.Secret,
            },
        };
        var id = report.Create.Id;
        report.ByApp = Ids(await c.GetWebHooksAsync(u, p, trip.App, null));
        report.ByEvent = Ids(await c.GetWebHooksAsync(u, p, null, trip.Event));
        report.ByOtherApp = Ids(await c.GetWebHooksAsync(u, p, trip.OtherApp, null));
        report.Activate = Activation(await c.ActivateWebHookAsync(u, p, id, null));
        report.ActivateReplay = Activation(await c.ActivateWebHookAsync(u, p, id, 1));
        report.Deliveries = Deliveries(await c.GetWebHookDeliveriesAsync(u, p, trip.DeliveredId, null));
        report.DeliveriesLimited = Deliveries(await c.GetWebHookDeliveriesAsync(u, p, trip.DeliveredId, 1));
        report.DeliveriesBadLimit = Status(await c.GetWebHookDeliveriesAsync(u, p, trip.DeliveredId, 101));
        report.DeliveriesNotFound = Status(await c.GetWebHookDeliveriesAsync(u, p, 987654, null));
        var rotated = await c.RotateWebHookSecretAsync(u, p, id);
        report.Rotate = new WebHookReport { Error = rotated.Error, Message = rotated.Message ?? "", Id = rotated.Result?.Id ?? 0, Secret = rotated.Result?.Secret };
        var rotateNotFound = await c.RotateWebHookSecretAsync(u, p, 987654);
        report.RotateNotFound = new ErrorReport { Error = rotateNotFound.Error, Message = rotateNotFound.Message ?? "" };
        var deleted = await c.DeleteWebHookByIdAsync(u, p, id);
        report.Delete = new DeleteReport { Error = deleted.Error, Message = deleted.Message ?? "", Result = deleted.ResultSpecified ? deleted.Result : -1 };
        report.AfterDelete = Ids(await c.GetWebHooksAsync(u, p, trip.App, null));
        var wrong = await c.CreateWebHookAsync(u, p + "-wrong", trip.App, trip.Event, trip.Url);
        report.WrongPassword = new ErrorReport { Error = wrong.Error, Message = wrong.Message ?? "" };
        var unknown = await c.CreateWebHookAsync(u, p, trip.App, "no_such_event", trip.Url);
        report.UnknownEvent = new ErrorReport { Error = unknown.Error, Message = unknown.Message ?? "" };

        trip.Verify(report, "WCF " + binding, withDeliveriesAndRotation: true);
        Assert.IsNull(wrong.Result, "no result on an error");
        Assert.IsFalse(deleted.ResultSpecified && wrong.Error == 0);
    }

    [TestMethod]
    public async Task CreatedWebHookCarriesEveryField()
    {
        await using var host = await ServiceHost.StartAsync();
        await using var client = await OpenAsync(host, "soap11-basicHttpBinding");

        var reply = await client.Channel.CreateWebHookAsync("demo", "demo", "shop <&> \"ünïcödé\"", "profilemanager_finalized", "https://example.com/x?a=1&b=2");

        Assert.AreEqual(0, reply.Error, reply.Message);
        var w = reply.Result!;
        Assert.AreEqual("shop <&> \"ünïcödé\"", w.App);
        Assert.AreEqual("https://example.com/x?a=1&b=2", w.Url);
        Assert.AreEqual(1, w.Active);
        Assert.IsTrue(DateTime.TryParseExact(w.Created, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), w.Created);
        Assert.AreEqual("", w.Deactivated);
        Assert.AreEqual(0, w.BufferedEvents);
        Assert.AreEqual("", w.LastError);
        Assert.StartsWith("whsec_", w.Secret!);

        var missing = await client.Channel.CreateWebHookAsync("demo", "demo", "", "optin_finalized", "https://example.com/");
        Assert.AreEqual(2, missing.Error);
        Assert.AreEqual("missing parameter: app", missing.Message);
        var badReplay = await client.Channel.ActivateWebHookAsync("demo", "demo", w.Id, 2);
        Assert.AreEqual(3, badReplay.Error);
        Assert.StartsWith("invalid parameter: replayEvents", badReplay.Message!);
        var notFound = await client.Channel.DeleteWebHookByIdAsync("demo", "demo", 987654);
        Assert.AreEqual(4, notFound.Error);
        Assert.IsFalse(notFound.ResultSpecified);
    }

    private static int[] Ids(WebHookListReply reply)
    {
        Assert.AreEqual(0, reply.Error, reply.Message);
        return [.. (reply.Result ?? []).Select(w => w.Id)];
    }

    private static DeliveriesReport Deliveries(DeliveryListReply reply) => new()
    {
        Error = reply.Error, Message = reply.Message ?? "",
        Result = [.. (reply.Result ?? []).Select(d => new DeliveryReport
        {
            EventId = d.EventId ?? "", Event = d.Event ?? "", Attempt = d.Attempt, Created = d.Created ?? "", Status = d.Status,
            DurationMs = d.DurationMs, Succeeded = d.Succeeded, Error = d.Error,
        })],
    };

    private static ErrorReport Status(DeliveryListReply reply) => new() { Error = reply.Error, Message = reply.Message ?? "" };

    private static ActivationReport Activation(ActivationReply reply) => new()
    {
        Error = reply.Error, Message = reply.Message ?? "",
        Id = reply.Result?.WebHook?.Id ?? 0, Active = reply.Result?.WebHook?.Active ?? 0,
        ReplayedEvents = reply.Result?.ReplayedEvents ?? -1, DiscardedEvents = reply.Result?.DiscardedEvents ?? -1,
    };

    /// <summary>A channel to the address of the matching port in the served WSDL.</summary>
    private async Task<WcfClient> OpenAsync(ServiceHost host, string binding)
    {
        var wsdl = await host.Http.GetStringAsync("webservice/soap?wsdl", TestContext.CancellationToken);
        var addresses = RawSoap.Addresses(wsdl);
        Binding wcfBinding = binding switch
        {
            "soap11-basicHttpBinding" => new BasicHttpBinding(),
            "soap12-addressing10" => new CustomBinding(new TextMessageEncodingBindingElement(MessageVersion.Soap12, Encoding.UTF8), new HttpTransportBindingElement()),
            "soap12-addressingNone" => new CustomBinding(
                new TextMessageEncodingBindingElement(MessageVersion.CreateVersion(EnvelopeVersion.Soap12, AddressingVersion.None), Encoding.UTF8),
                new HttpTransportBindingElement()),
            _ => throw new ArgumentOutOfRangeException(nameof(binding)),
        };
        var port = binding.StartsWith("soap12", StringComparison.Ordinal) ? "WebHookServiceSoap12" : "WebHookServiceSoap";
        var address = addresses[port];
        Assert.AreEqual(host.BaseUrl + "/webservice/soap", address, "the served WSDL names the service's real address");
        wcfBinding.SendTimeout = TimeSpan.FromSeconds(30);
        var factory = new ChannelFactory<IWebHookServiceClient>(wcfBinding, new EndpointAddress(address));
        return new WcfClient(factory, factory.CreateChannel());
    }

    private sealed class WcfClient(ChannelFactory<IWebHookServiceClient> factory, IWebHookServiceClient channel) : IAsyncDisposable
    {
        public IWebHookServiceClient Channel { get; } = channel;

        public ValueTask DisposeAsync()
        {
            try
            {
                ((IClientChannel)Channel).Close();
                factory.Close();
            }
            catch (CommunicationException)
            {
                ((IClientChannel)Channel).Abort();
                factory.Abort();
            }
            return ValueTask.CompletedTask;
        }
    }
}
