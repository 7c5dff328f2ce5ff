using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Introspection.Client.Internal;

/// <summary>
/// Reads and writes the snapshot file. Writes are atomic (a temporary file in the same directory, flushed, then
/// moved over the old one), so a crash mid-write leaves the previous snapshot intact, never a torn one.
/// </summary>
internal sealed partial class ViewSnapshotStore
{
    private readonly ILogger _logger;

    public ViewSnapshotStore(string path, ILogger logger)
    {
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger;
    }

    public string Path { get; }

    public ViewSnapshot? TryLoad()
    {
        try
        {
            if (!File.Exists(Path))
            {
                return null;
            }

            var bytes = File.ReadAllBytes(Path);
            var snapshot = JsonSerializer.Deserialize(bytes, ViewSnapshotJsonContext.Default.ViewSnapshot);
            if (snapshot is null || snapshot.Format != ViewSnapshot.CurrentFormat)
            {
                Log.SnapshotUnreadable(_logger, Path, "unknown format", null);
                return null;
            }

            return snapshot;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            Log.SnapshotUnreadable(_logger, Path, ex.Message, ex);
            return null;
        }
    }

    public void Save(ViewSnapshot snapshot)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, snapshot, ViewSnapshotJsonContext.Default.ViewSnapshot);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, Path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, EventName = "SnapshotUnreadable", Level = LogLevel.Warning,
            Message = "Ignoring the discovery snapshot {Path}: {Reason}.")]
        public static partial void SnapshotUnreadable(ILogger logger, string path, string reason, Exception? exception);
    }
}
