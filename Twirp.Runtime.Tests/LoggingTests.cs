using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace Twirp.Runtime.Tests;

/// <summary>Keeps every log entry of the app.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}

public class LoggingTests
{
    private static async Task<(TwirpTestApp App, CapturingLoggerProvider Logs)> StartAsync()
    {
        var logs = new CapturingLoggerProvider();
        var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        return (app, logs);
    }

    [Test]
    public async Task Handler_exception_is_logged_once_at_error_level_with_the_exception()
    {
        var (app, logs) = await StartAsync();
        await using var _ = app;

        await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"boom\"}");

        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Message, Is.EqualTo("Twirp method twirp.runtime.tests.Echo/Say failed with an unhandled exception."));
        Assert.That(errors[0].Exception, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public async Task Internal_error_wrapping_a_cause_logs_the_cause_at_error_level_and_never_sends_it()
    {
        var (app, logs) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"wrapped\"}"));

        Assert.That((error.Code, error.Msg), Is.EqualTo(("internal", "storage failed")));
        Assert.That(error.Raw, Does.Not.Contain("disk full"));
        var logged = logs.Entries.Single(e => e.Level >= LogLevel.Error);
        Assert.That(logged.Exception!.Message, Is.EqualTo("disk full"));
    }

    [Test]
    public async Task Twirp_errors_and_client_cancellations_are_not_logged_as_errors_or_warnings()
    {
        var (app, logs) = await StartAsync();
        await using var _ = app;
        var probe = app.Services.GetRequiredService<CallProbe>();

        await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"error:internal\"}");
        using var abort = new CancellationTokenSource();
        var aborted = app.Client.PostAsync(EchoPaths.Say, new System.Net.Http.StringContent("{\"text\":\"wait\"}", null, "application/json"), abort.Token);
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        abort.Cancel();
        await probe.Canceled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.CatchAsync<OperationCanceledException>(async () => await aborted);
        await Task.Delay(100); // the canceled call finishes logging after the client gave up

        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message), Is.Empty);
        Assert.That(logs.Entries.Any(e => e.Message == "Twirp method twirp.runtime.tests.Echo/Say was canceled by the client."), Is.True);
    }
}
