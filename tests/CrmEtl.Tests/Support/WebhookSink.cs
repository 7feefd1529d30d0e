using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CrmEtl.Tests.Support;

/// <summary>A local HTTP listener that keeps every JSON body POSTed to it, with its Authorization header.</summary>
internal sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();

    public WebhookSink()
    {
        var port = FreePort();
        Url = $"http://127.0.0.1:{port}/alerts/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    public string Url { get; }

    public ConcurrentQueue<(JsonElement Body, string? Authorization)> Received { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            Received.Enqueue((JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone(), context.Request.Headers["Authorization"]));
            context.Response.StatusCode = 204;
            context.Response.Close();
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose() => _listener.Close();
}
