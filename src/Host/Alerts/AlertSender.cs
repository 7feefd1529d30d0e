using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using System.Text.Json;
using CrmEtl.Host.Config;
using CrmEtl.Host.Logging;

namespace CrmEtl.Host.Alerts;

/// <summary>
/// Sends an alert to the configured webhook (POST JSON) and mail recipients (SMTP). Secrets come from the
/// environment only: CRMETL_ALERT_WEBHOOK_TOKEN (sent as a Bearer token) and CRMETL_SMTP_PASSWORD.
/// A channel that fails is logged; it never fails the run.
/// </summary>
internal sealed class AlertSender(AlertsConfig config)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public bool Configured => config.WebhookUrl is { Length: > 0 } || (config.Smtp.Host is { Length: > 0 } && config.Smtp.To.Count > 0);

    /// <summary>The channels alerts go to, for a person: "webhook https://..., email to a@b".</summary>
    public string Describe() => string.Join(", ", new[]
    {
        config.WebhookUrl is { Length: > 0 } url ? $"webhook {new Uri(url).GetLeftPart(UriPartial.Path)}" : null,
        config.Smtp is { Host: { Length: > 0 } host, To.Count: > 0 } smtp ? $"email to {string.Join(", ", smtp.To)} via {host}" : null,
    }.OfType<string>());

    /// <summary>Sends to every configured channel; returns how many took it and how many failed (each failure logged).</summary>
    public async Task<(int Sent, int Failed)> SendAsync(Alert alert, CancellationToken ct)
    {
        var scope = $"{alert.Crm}/{alert.Store}";
        int sent = 0, failed = 0;
        if (config.WebhookUrl is { Length: > 0 } url)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Payload(alert)) };
                if (Environment.GetEnvironmentVariable("CRMETL_ALERT_WEBHOOK_TOKEN") is { Length: > 0 } token)
                    request.Headers.Authorization = new("Bearer", token);
                using var response = await Http.SendAsync(request, ct);
                response.EnsureSuccessStatusCode();
                Log.Info(scope, "alert.webhook", alert.Subject);
                sent++;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Log.Error(scope, "alert.webhook_failed", $"{alert.Subject}: {e.Message}");
                failed++;
            }
        }
        if (config.Smtp is { Host: { Length: > 0 } host, To.Count: > 0 } smtp)
        {
            try
            {
                using var client = new SmtpClient(host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
                if (smtp.User is { Length: > 0 } user)
                    client.Credentials = new NetworkCredential(user, Environment.GetEnvironmentVariable("CRMETL_SMTP_PASSWORD") ?? "");
                using var mail = new MailMessage { From = new MailAddress(smtp.From), Subject = alert.Subject, Body = Body(alert) };
                foreach (var to in smtp.To) mail.To.Add(to);
                await client.SendMailAsync(mail, ct);
                Log.Info(scope, "alert.email", alert.Subject);
                sent++;
            }
            catch (Exception e) when (e is SmtpException or InvalidOperationException or FormatException)
            {
                Log.Error(scope, "alert.email_failed", $"{alert.Subject}: {e.Message}");
                failed++;
            }
        }
        return (sent, failed);
    }

    public static object Payload(Alert a) => new Dictionary<string, object?>
    {
        ["run_id"] = a.RunId,
        ["crm"] = a.Crm,
        ["store"] = a.Store,
        ["kind"] = a.Kind,
        ["recovered"] = a.Recovery,
        ["window"] = a.From is null ? null : new { from = a.From?.ToString("yyyy-MM-dd"), to = a.To?.ToString("yyyy-MM-dd") },
        ["message"] = a.Message,
        ["fix"] = a.Fix,
    };

    private static string Body(Alert a) =>
        $"{a.Message}\n\n" +
        (a.Fix is null ? "" : $"To fix: {a.Fix}\n\n") +
        $"{JsonSerializer.Serialize(Payload(a), new JsonSerializerOptions { WriteIndented = true })}\n";
}
