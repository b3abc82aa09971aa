using WebHooks.Accounts;

namespace WebHooks.Service;

/// <summary>In Development, an account demo/demo exists from the first start, and the log says so.</summary>
internal sealed class DevelopmentAccount(IHostEnvironment environment, AccountService accounts, ILogger<DevelopmentAccount> logger) : IHostedService
{
    public const string Name = "demo";
    public const string Password = "demo";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || await accounts.FindAsync(Name) is not null) return;
        if (await accounts.AddAsync(Name, Password))
            logger.LogWarning("Development: created account '{Account}' with password '{Password}' (for trying the service only)", Name, Password);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
