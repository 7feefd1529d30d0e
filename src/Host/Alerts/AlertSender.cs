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

    public async Task SendAsync(Alert alert, CancellationToken ct)
    {
        var scope = $"{alert.Crm}/{alert.Store}";
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
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Log.Error(scope, "alert.webhook_failed", $"{alert.Subject}: {e.Message}");
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
            }
            catch (Exception e) when (e is SmtpException or InvalidOperationException or FormatException)
            {
                Log.Error(scope, "alert.email_failed", $"{alert.Subject}: {e.Message}");
            }
        }
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
