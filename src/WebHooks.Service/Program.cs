using WebHooks.Service;
using WebHooks.Service.Cli;

// One executable: with a command it administers (accounts, publish), without one it serves.
if (AdminCommands.IsCommand(args)) return await AdminCommands.RunAsync(args);

var app = WebHooksApp.Build(args);
await app.RunAsync();
return 0;
