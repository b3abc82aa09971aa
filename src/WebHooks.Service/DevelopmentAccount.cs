using WebHooks.Accounts;

namespace WebHooks.Service;

public static class DevelopmentAccount
{
    public const string Name = "demo";
    public const string Password = "demo";

    /// <summary>In Development, an account demo/demo exists from the first start, and the log says so.</summary>
    public static void SeedDevelopmentAccount(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return;
        var accounts = app.Services.GetRequiredService<AccountService>();
        if (accounts.Find(Name) is not null) return;
        accounts.AddAsync(Name, Password).GetAwaiter().GetResult();
        app.Logger.LogWarning("Development: created account '{Account}' with password '{Password}' (for trying the service only)", Name, Password);
    }
}
