namespace CrmEtl.Host.Database;

/// <summary>A cross-process lock on a file (two cron runs starting the cluster at once).</summary>
internal sealed class FileGate : IAsyncDisposable
{
    private readonly FileStream _stream;

    private FileGate(FileStream stream) => _stream = stream;

    public static async Task<FileGate> AcquireAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileGate(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
