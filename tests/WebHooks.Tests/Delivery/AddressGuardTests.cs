using System.Net;
using WebHooks.Delivery;

namespace WebHooks.Tests.Delivery;

/// <summary>Addresses here are only parsed and classified, never contacted.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class AddressGuardTests
{
    [TestMethod]
    // IPv4 loopback, RFC 1918, link-local, CGNAT, multicast, unspecified, broadcast, reserved ranges
    [DataRow("127.0.0.1", "loopback address")]
    [DataRow("127.255.255.254", "loopback address")]
    [DataRow("10.0.0.1", "private address (RFC 1918)")]
    [DataRow("10.255.255.255", "private address (RFC 1918)")]
    [DataRow("172.16.0.1", "private address (RFC 1918)")]
    [DataRow("172.31.255.254", "private address (RFC 1918)")]
    [DataRow("192.168.1.10", "private address (RFC 1918)")]
    [DataRow("169.254.169.254", "link-local address")]
    [DataRow("100.64.0.1", "carrier-grade NAT address")]
    [DataRow("100.127.255.254", "carrier-grade NAT address")]
    [DataRow("224.0.0.1", "multicast address")]
    [DataRow("239.255.255.250", "multicast address")]
    [DataRow("0.0.0.0", "unspecified address")]
    [DataRow("0.1.2.3", "reserved address")]
    [DataRow("255.255.255.255", "broadcast address")]
    [DataRow("240.0.0.1", "reserved address")]
    [DataRow("192.0.0.8", "reserved address")]
    [DataRow("192.0.2.1", "documentation address")]
    [DataRow("198.51.100.7", "documentation address")]
    [DataRow("203.0.113.200", "documentation address")]
    [DataRow("198.18.0.1", "benchmarking address")]
    [DataRow("198.19.255.255", "benchmarking address")]
    // IPv6
    [DataRow("::", "unspecified address")]
    [DataRow("::1", "loopback address")]
    [DataRow("fc00::1", "unique local address (ULA)")]
    [DataRow("fd12:3456:789a::1", "unique local address (ULA)")]
    [DataRow("fe80::1", "link-local address")]
    [DataRow("febf::1", "link-local address")]
    [DataRow("ff02::1", "multicast address")]
    [DataRow("2001:db8::1", "documentation address")]
    [DataRow("100::1", "reserved address")]
    [DataRow("4000::1", "reserved address")]
    // IPv6 forms that carry an IPv4 address are judged by that address
    [DataRow("::ffff:10.1.2.3", "private address (RFC 1918)")]
    [DataRow("::ffff:127.0.0.1", "loopback address")]
    [DataRow("::ffff:169.254.169.254", "link-local address")]
    [DataRow("64:ff9b::a9fe:a9fe", "link-local address")] // NAT64 of 169.254.169.254
    [DataRow("64:ff9b::7f00:1", "loopback address")]      // NAT64 of 127.0.0.1
    [DataRow("::10.0.0.1", "private address (RFC 1918)")] // IPv4-compatible
    [DataRow("::8.8.8.8", "reserved address")]            // IPv4-compatible is deprecated
    [DataRow("2002:c0a8:0101::1", "private address (RFC 1918)")] // 6to4 of 192.168.1.1
    [DataRow("2002:7f00:0001::1", "loopback address")]           // 6to4 of 127.0.0.1
    public void RefusesNonPublicAddresses(string address, string reason)
    {
        Assert.AreEqual(reason, AddressGuard.WhyRefused(IPAddress.Parse(address)));
    }

    [TestMethod]
    [DataRow("8.8.8.8")]
    [DataRow("1.1.1.1")]
    [DataRow("93.184.215.14")]
    [DataRow("172.15.255.255")]  // just below 172.16/12
    [DataRow("172.32.0.1")]      // just above 172.16/12
    [DataRow("100.63.255.255")]  // just below 100.64/10
    [DataRow("100.128.0.1")]     // just above 100.64/10
    [DataRow("11.0.0.1")]
    [DataRow("223.255.255.254")]
    [DataRow("2606:4700::1111")]
    [DataRow("2001:4860:4860::8888")]
    [DataRow("2a00:1450:4001:80b::200e")]
    [DataRow("::ffff:8.8.8.8")]      // IPv4-mapped public
    [DataRow("64:ff9b::808:808")]    // NAT64 of 8.8.8.8
    [DataRow("2002:0808:0808::1")]   // 6to4 of 8.8.8.8
    public void AllowsPublicAddresses(string address)
    {
        Assert.IsNull(AddressGuard.WhyRefused(IPAddress.Parse(address)));
    }

    [TestMethod]
    public void IPv6ScopeIdDoesNotMatter()
    {
        Assert.AreEqual("link-local address", AddressGuard.WhyRefused(IPAddress.Parse("fe80::1%2")));
    }

    [TestMethod]
    public void NullIsRejected()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => AddressGuard.WhyRefused(null!));
    }
}
