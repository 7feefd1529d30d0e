using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrmEtl.Abstractions.Api;

namespace CrmEtl.Plugins.CrmApi;

/// <summary>
/// The CRM's REST API (sources.md section 4): pages of an entity updated since a time, one record, and PATCH. The
/// token comes from CRMETL_CRMAPI_TOKEN only; the host's client has retried 429 (after Retry-After) and 5xx.
/// </summary>
internal sealed class CrmApiClient
{
    public const int PerPage = 100; // the API's most

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string _token;

    public CrmApiClient(HttpClient http, JsonElement settings)
    {
        _http = http;
        var url = Setting(settings, "url") ?? throw new ApiException("no CRM API configured: set crmapi.url in crm-etl.json (or CRMETL_Crmapi__Url)");
        _url = Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
            ? u
            : throw new ApiException($"crmapi.url '{url}' is not an http(s) address");
        _token = Environment.GetEnvironmentVariable("CRMETL_CRMAPI_TOKEN") is { Length: > 0 } t
            ? t
            : throw new ApiException("no token for the CRM API: set CRMETL_CRMAPI_TOKEN");
    }

    public sealed record Page(List<JsonElement> Data, int TotalPages, long Total);

    public async Task<Page> ListAsync(string entity, int page, string? updatedSince, CancellationToken ct)
    {
        var path = $"api/v1/{entity}?page={page}&per_page={PerPage}" + (updatedSince is null ? "" : $"&updated_since={Uri.EscapeDataString(updatedSince)}");
        using var response = await SendAsync(HttpMethod.Get, path, entity, null, ct);
        var body = await ReadAsync(response, entity, ct);
        if (body["data"] is not JsonArray data) throw new ApiException($"{entity}: page {page} has no \"data\" array");
        var meta = body["meta"] as JsonObject;
        var totalPages = meta?["total_pages"]?.GetValue<int>() ?? page;
        var total = meta?["total"]?.GetValue<long>() ?? -1;
        return new Page(data.Select(d => JsonSerializer.SerializeToElement(d)).ToList(), totalPages, total);
    }

    /// <summary>PATCHes one record; the record after the change, or null when the CRM has no such record.</summary>
    public async Task<JsonObject?> PatchAsync(string entity, string id, JsonObject fields, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Patch, $"api/v1/{entity}/{Uri.EscapeDataString(id)}", entity, fields, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var body = await ReadAsync(response, entity, ct);
        return body["data"] as JsonObject ?? throw new ApiException($"{entity}/{id}: the answer has no \"data\" object");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string entity, JsonObject? content, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(_url, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (content is not null) request.Content = JsonContent.Create(content);
        try
        {
            return await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException($"{entity}: {_url.GetLeftPart(UriPartial.Authority)} cannot be reached ({e.Message})", null, e);
        }
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response, string entity, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            var error = TryParse(text)?["error"]?.ToString();
            throw new ApiException(status switch
            {
                401 => $"{entity}: the CRM refused the token (401): check CRMETL_CRMAPI_TOKEN",
                422 => $"{entity}: the CRM refused the change (422): {error ?? text}",
                _ => $"{entity}: the CRM answered {status} {response.ReasonPhrase}{(error is null ? "" : ": " + error)}",
            }, status);
        }
        return TryParse(text) as JsonObject ?? throw new ApiException($"{entity}: the CRM answered with something that is not a JSON object");
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Setting(JsonElement settings, string name)
    {
        if (settings.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in settings.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String) return p.Value.GetString();
        return null;
    }
}
