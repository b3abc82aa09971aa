using System.Net;
using System.Net.Sockets;

namespace WebHooks.Delivery;

/// <summary>
/// Decides whether an address that a webhook URL resolved to may be connected to (spec 5.4).
/// Everything that is not a public unicast address is refused, with a short reason for <c>lastError</c>.
/// </summary>
/// <remarks>
/// The tables are scanned in order and the first matching range wins, so narrower ranges come before the
/// wider ones that contain them. IPv6 addresses that embed an IPv4 address (IPv4-mapped, IPv4-compatible,
/// NAT64, 6to4) are judged by that IPv4 address.
/// </remarks>
public static class AddressGuard
{
    private const string Unspecified = "unspecified address";
    private const string Loopback = "loopback address";
    private const string Private = "private address (RFC 1918)";
    private const string CarrierGradeNat = "carrier-grade NAT address";
    private const string LinkLocal = "link-local address";
    private const string Multicast = "multicast address";
    private const string Broadcast = "broadcast address";
    private const string Documentation = "documentation address";
    private const string Benchmarking = "benchmarking address";
    private const string UniqueLocal = "unique local address (ULA)";
    private const string SiteLocal = "site-local address";
    private const string Reserved = "reserved address";

    private static readonly (IPNetwork Network, string Reason)[] IPv4Ranges =
    [
        (Net("0.0.0.0/32"), Unspecified),
        (Net("255.255.255.255/32"), Broadcast),
        (Net("0.0.0.0/8"), Reserved),           // "this network"
        (Net("10.0.0.0/8"), Private),
        (Net("100.64.0.0/10"), CarrierGradeNat),
        (Net("127.0.0.0/8"), Loopback),
        (Net("169.254.0.0/16"), LinkLocal),
        (Net("172.16.0.0/12"), Private),
        (Net("192.0.0.0/24"), Reserved),        // IETF protocol assignments
        (Net("192.0.2.0/24"), Documentation),   // TEST-NET-1
        (Net("192.88.99.0/24"), Reserved),      // former 6to4 relay anycast
        (Net("192.168.0.0/16"), Private),
        (Net("198.18.0.0/15"), Benchmarking),
        (Net("198.51.100.0/24"), Documentation), // TEST-NET-2
        (Net("203.0.113.0/24"), Documentation),  // TEST-NET-3
        (Net("224.0.0.0/4"), Multicast),
        (Net("240.0.0.0/4"), Reserved),          // future use
    ];

    private static readonly (IPNetwork Network, string Reason)[] IPv6Ranges =
    [
        (Net("::/128"), Unspecified),
        (Net("::1/128"), Loopback),
        (Net("100::/64"), Reserved),             // discard-only
        (Net("2001::/23"), Reserved),            // IETF protocol assignments (Teredo, ORCHID, ...)
        (Net("2001:db8::/32"), Documentation),
        (Net("3fff::/20"), Documentation),
        (Net("fc00::/7"), UniqueLocal),
        (Net("fe80::/10"), LinkLocal),
        (Net("fec0::/10"), SiteLocal),           // deprecated
        (Net("ff00::/8"), Multicast),
    ];

    /// <summary>IPv6 ranges that carry an IPv4 address, and the byte offset of that address.</summary>
    private static readonly (IPNetwork Network, int Offset)[] IPv4Embedding =
    [
        (Net("64:ff9b::/96"), 12), // NAT64 well-known prefix
        (Net("::/96"), 12),        // IPv4-compatible (deprecated)
        (Net("2002::/16"), 2),     // 6to4
    ];

    /// <summary>Public IPv6 unicast space; everything outside it that no rule above allowed is refused.</summary>
    private static readonly IPNetwork GlobalUnicast = Net("2000::/3");

    private static readonly IPNetwork Nat64 = Net("64:ff9b::/96");

    /// <summary>Null when <paramref name="address"/> is a public address, else why it is refused.</summary>
    public static string? WhyRefused(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => Match(IPv4Ranges, address),
            AddressFamily.InterNetworkV6 => WhyRefusedV6(address),
            _ => Reserved,
        };
    }

    private static string? WhyRefusedV6(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return Match(IPv4Ranges, address.MapToIPv4());
        }

        if (Match(IPv6Ranges, address) is { } reason)
        {
            return reason;
        }

        var bytes = address.GetAddressBytes();
        foreach (var (network, offset) in IPv4Embedding)
        {
            if (network.Contains(address) && Match(IPv4Ranges, new IPAddress(bytes.AsSpan(offset, 4))) is { } embedded)
            {
                return embedded;
            }
        }

        return GlobalUnicast.Contains(address) || Nat64.Contains(address) ? null : Reserved;
    }

    private static string? Match((IPNetwork Network, string Reason)[] table, IPAddress address)
    {
        foreach (var (network, reason) in table)
        {
            if (network.Contains(address))
            {
                return reason;
            }
        }

        return null;
    }

    private static IPNetwork Net(string cidr) => IPNetwork.Parse(cidr);
}
