using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>Collects the provider's log lines so tests can check what was logged and in which order.</summary>
internal sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, EventId EventId, LogLevel Level, string Message)> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Introspection", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink._entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
            }
        }
    }
}
