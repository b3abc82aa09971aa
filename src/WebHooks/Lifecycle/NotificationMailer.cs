using System.Net;
using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using WebHooks.Storage;

namespace WebHooks.Lifecycle;

/// <summary>
/// E-mails system notifications to the account's address when SMTP is configured (<c>WebHooks:Smtp:Host</c>).
/// Raising only queues the mail; a background loop sends it with MailKit, with a few retries, so a slow
/// or dead mail server never holds up delivery. The notification itself is already stored and logged.
/// </summary>
public sealed class NotificationMailer(
    IWebHooksStorage storage,
    PublicLinks links,
    WebHooksOptions options,
    TimeProvider time,
    ILogger<NotificationMailer> logger) : BackgroundService, INotificationSink
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)];
    private readonly Channel<MimeMessage> _outbox = Channel.CreateUnbounded<MimeMessage>();

    private SmtpOptions Smtp => options.Smtp;

    public bool Enabled => !string.IsNullOrWhiteSpace(Smtp.Host);

    public async Task RaiseAsync(WebHookRecord webHook, Notification notification)
    {
        if (!Enabled) return;
        var account = await storage.Accounts.FindAsync(notification.Account);
        if (string.IsNullOrWhiteSpace(account?.Email))
        {
            logger.LogInformation("System notification {NotificationId} not e-mailed: account {Account} has no e-mail address",
                notification.Id, notification.Account);
            return;
        }

        _outbox.Writer.TryWrite(await ComposeAsync(account, webHook, notification));
    }

    internal async Task<MimeMessage> ComposeAsync(Account account, WebHookRecord webHook, Notification notification)
    {
        var link = await links.ActivationUrlAsync(notification);
        var page = links.NotificationPageUrl();
        var buffered = webHook.BufferedEvents;
        var bufferEnd = BufferRules.BufferEnd(webHook.Deactivated ?? notification.Created, options.Buffer.Period);

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(Smtp.From));
        message.To.Add(new MailboxAddress(account.Name, account.Email!));
        message.Subject = $"Webhook {webHook.Id} was deactivated ({webHook.Event})";
        message.Headers.Add("X-WebHooks-Notification", notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var text =
            $"""
            Hello {account.Name},

            {notification.Message}

            Webhook:         {webHook.Id} ({webHook.App})
            Event:           {webHook.Event}
            URL:             {webHook.Url}
            Last error:      {notification.LastError}
            Buffered events: {buffered} so far; matching events published until {bufferEnd:yyyy-MM-dd HH:mm} UTC are buffered too.

            To reactivate the webhook, open this link and choose "Activate" or
            "Activate and replay buffered events" (opening the link changes nothing; it works once):

            {link}

            All notifications of your account: {page}
            """;
        static string e(string? text) => WebUtility.HtmlEncode(text ?? "");
        var html =
            $"""
            <!doctype html><html lang="en"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1a1a1a">
            <p>Hello {e(account.Name)},</p>
            <p>{e(notification.Message)}</p>
            <table style="border-collapse:collapse">
            <tr><th scope="row" style="text-align:left;padding-right:1em">Webhook</th><td>{webHook.Id} ({e(webHook.App)})</td></tr>
            <tr><th scope="row" style="text-align:left;padding-right:1em">Event</th><td>{e(webHook.Event)}</td></tr>
            <tr><th scope="row" style="text-align:left;padding-right:1em">URL</th><td>{e(webHook.Url)}</td></tr>
            <tr><th scope="row" style="text-align:left;padding-right:1em">Last error</th><td>{e(notification.LastError)}</td></tr>
            <tr><th scope="row" style="text-align:left;padding-right:1em">Buffered events</th><td>{buffered} so far (events published until {bufferEnd:yyyy-MM-dd HH:mm} UTC are buffered)</td></tr>
            </table>
            <p><a href="{e(link)}">Reactivate webhook {webHook.Id}</a> &mdash; the page offers <em>Activate</em> and
            <em>Activate and replay buffered events</em>. Opening it changes nothing; the link works once.</p>
            <p><a href="{e(page)}">All notifications of your account</a></p>
            </body></html>
            """;
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(stoppingToken))
                await SendWithRetriesAsync(message, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendWithRetriesAsync(MimeMessage message, CancellationToken token)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await SendAsync(message, token);
                logger.LogInformation("System notification e-mailed to {To}: {Subject}", message.To, message.Subject);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
            {
                if (attempt >= RetryDelays.Length)
                {
                    logger.LogError(e, "Giving up e-mailing the system notification to {To} via {Host}:{Port}", message.To, Smtp.Host, Smtp.Port);
                    return;
                }
                logger.LogWarning("E-mailing the system notification to {To} via {Host}:{Port} failed ({Error}); retrying in {Delay}",
                    message.To, Smtp.Host, Smtp.Port, e.Message, RetryDelays[attempt]);
                await Task.Delay(RetryDelays[attempt], time, token);
            }
        }
    }

    private async Task SendAsync(MimeMessage message, CancellationToken token)
    {
        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !Smtp.UseTls ? SecureSocketOptions.None
            : Smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await client.ConnectAsync(Smtp.Host!, Smtp.Port, security, token);
        if (!string.IsNullOrEmpty(Smtp.UserName))
            await client.AuthenticateAsync(Smtp.UserName, Smtp.Password ?? "", token);
        await client.SendAsync(message, token);
        await client.DisconnectAsync(quit: true, token);
    }
}
