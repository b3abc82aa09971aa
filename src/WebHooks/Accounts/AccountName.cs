namespace WebHooks.Accounts;

/// <summary>
/// Account names are case-insensitive everywhere (spec 2): <c>Shop</c> and <c>shop</c> are one account. Every name
/// is normalised once, where it enters (login, command line, admin socket), and compared exactly after that.
/// </summary>
public static class AccountName
{
    public const int MaxLength = 64;

    /// <summary>The one spelling stored and compared: lower case (names are ASCII, see <see cref="Validate"/>).</summary>
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    /// <summary>Null when the name is acceptable for a new account, else why not.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "the name is empty";
        if (name.Length > MaxLength) return $"the name is longer than {MaxLength} characters";
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@'))
            return "the name may hold only letters, digits and _ - . @";
        return null;
    }
}
