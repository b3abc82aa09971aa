namespace WebHooks.Accounts;

/// <summary>
/// The address an account's notifications are e-mailed to (<c>accounts add … --email</c>). A wrong one used to be
/// noticed only when a webhook failed and no mail arrived; it is checked when the account is added, here, for every
/// way of adding one. The rule is the common, deliverable form: <c>local@domain</c>, a dot-atom local part (no
/// quoted strings, no comments or display names), a host name of letters, digits and hyphens (ASCII; an
/// internationalised domain in its xn-- form), at most 254 characters in all.
/// </summary>
public static class EmailAddress
{
    public const int MaxLength = 254;
    private const int MaxLocalLength = 64;
    private const int MaxLabelLength = 63;
    private const string LocalSpecials = "!#$%&'*+/=?^_`{|}~-";

    /// <returns>null when <paramref name="address"/> is a valid address; otherwise what is wrong with it.</returns>
    public static string? Validate(string? address)
    {
        if (string.IsNullOrEmpty(address)) return "the address is empty";
        if (address.Length > MaxLength) return $"the address is longer than {MaxLength} characters";
        if (address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return "the address contains spaces or control characters";
        var at = address.IndexOf('@');
        if (at < 0 || at != address.LastIndexOf('@')) return "the address needs exactly one @ (name@example.com)";
        return Local(address[..at]) ?? Domain(address[(at + 1)..]);
    }

    private static string? Local(string local)
    {
        if (local.Length == 0) return "nothing before the @";
        if (local.Length > MaxLocalLength) return $"the part before the @ is longer than {MaxLocalLength} characters";
        if (!local.All(c => char.IsAsciiLetterOrDigit(c) || c == '.' || LocalSpecials.Contains(c)))
            return $"the part before the @ may hold only letters, digits, dots and {LocalSpecials}";
        if (local.StartsWith('.') || local.EndsWith('.') || local.Contains("..", StringComparison.Ordinal))
            return "the part before the @ cannot start or end with a dot or hold two in a row";
        return null;
    }

    private static string? Domain(string domain)
    {
        if (domain.Length == 0) return "nothing after the @";
        foreach (var label in domain.Split('.'))
        {
            if (label.Length == 0) return "the domain has an empty part (two dots in a row, or a dot at an end)";
            if (label.Length > MaxLabelLength) return $"a part of the domain is longer than {MaxLabelLength} characters";
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return "the domain may hold only letters, digits, hyphens and dots (an international domain in its xn-- form)";
            if (label.StartsWith('-') || label.EndsWith('-')) return "a part of the domain cannot start or end with a hyphen";
        }
        return null;
    }
}
