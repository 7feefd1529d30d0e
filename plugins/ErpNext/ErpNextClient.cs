using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrmEtl.Abstractions.Api;

namespace CrmEtl.Plugins.ErpNext;

/// <summary>
/// The few Frappe REST calls a pull needs. Doctypes and names hold spaces and slashes, so every part of a URL is
/// escaped; the host's client has already retried 429 (after Retry-After) and 5xx when an answer gets here.
/// </summary>
internal sealed class ErpNextClient(HttpClient http, ErpNextInstance instance, string authorization)
{
    /// <summary>One page of a list call: the given fields of the documents the filters select, in the given order.</summary>
    public async Task<List<JsonElement>> ListAsync(string doctype, string[] fields, object[][] filters, string orderBy, int start, int limit, CancellationToken ct)
    {
        var query = $"fields={Escape(JsonSerializer.Serialize(fields))}&filters={Escape(JsonSerializer.Serialize(filters))}" +
                    $"&order_by={Escape(orderBy)}&limit_start={start}&limit_page_length={limit}";
        using var response = await SendAsync($"api/resource/{Escape(doctype)}?{query}", doctype, ct);
        var body = await ReadAsync(response, doctype, ct);
        return body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.EnumerateArray().Select(e => e.Clone()).ToList()
            : throw new ApiException($"{instance.Name}/{doctype}: the list answer has no \"data\" array");
    }

    /// <summary>A whole document, child tables included; null when it is gone (deleted since it was listed).</summary>
    public async Task<JsonElement?> GetAsync(string doctype, string name, CancellationToken ct)
    {
        using var response = await SendAsync($"api/resource/{Escape(doctype)}/{Escape(name)}", doctype, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        var body = await ReadAsync(response, doctype, ct);
        return body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
            ? data.Clone()
            : throw new ApiException($"{instance.Name}/{doctype}: the answer for '{name}' has no \"data\" object");
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string doctype, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(instance.Url, path));
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ApiException($"{instance.Name}/{doctype}: {instance.Url.GetLeftPart(UriPartial.Authority)} cannot be reached ({e.Message})", null, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ApiException($"{instance.Name}/{doctype}: {instance.Url.GetLeftPart(UriPartial.Authority)} did not answer in time", null, e);
        }
    }

    private async Task<JsonElement> ReadAsync(HttpResponseMessage response, string doctype, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var what = ErrorType(text) ?? response.ReasonPhrase;
            var status = (int)response.StatusCode;
            throw new ApiException(status switch
            {
                401 => $"{instance.Name}/{doctype}: {what} (401): the key and secret ({instance.SecretVariables}) were refused",
                403 => $"{instance.Name}/{doctype}: {what} (403): this user may not read {doctype}",
                404 => $"{instance.Name}/{doctype}: {what} (404): the instance has no doctype '{doctype}'",
                _ => $"{instance.Name}/{doctype}: the API answered {status} {what}",
            }, status);
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ApiException($"{instance.Name}/{doctype}: the API answered with something that is not JSON ({e.Message})", (int)response.StatusCode, e);
        }
    }

    // Frappe's error body: {"exc_type": "PermissionError", ...}
    private static string? ErrorType(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("exc_type", out var t) ? t.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Escape(string s) => Uri.EscapeDataString(s);
}
