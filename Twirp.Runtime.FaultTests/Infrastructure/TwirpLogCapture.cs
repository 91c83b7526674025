using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Twirp.Runtime.FaultTests;

/// <summary>A logger provider that keeps every entry of the server, for asserting what Twirp logged and at which level.</summary>
public sealed class TwirpLogCapture : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " | " + Exception.GetType().Name + ": " + Exception.Message)}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyCollection<Entry> Entries => _entries;

    /// <summary>Entries of Twirp's own loggers (category <c>Twirp.*</c>) at Error or above.</summary>
    public IReadOnlyList<Entry> TwirpErrors => _entries.Where(e => e.Category.StartsWith("Twirp", StringComparison.Ordinal) && e.Level >= LogLevel.Error).ToList();

    public void Clear() => _entries.Clear();

    /// <summary>Waits (bounded) for an entry matching <paramref name="match"/>, as the server logs after the client has gone.</summary>
    public async Task<Entry?> WaitForAsync(Func<Entry, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = _entries.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }
            await Task.Delay(20);
        }
        return _entries.FirstOrDefault(match);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(TwirpLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
