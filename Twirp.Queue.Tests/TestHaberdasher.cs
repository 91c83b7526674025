using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Twirp.Example.Haberdasher;

namespace Twirp.Queue.Tests;

/// <summary>What the handlers saw, across every worker of a test.</summary>
public sealed class Probe
{
    private readonly ConcurrentDictionary<(string Group, long TaskId), byte> _running = new();
    private int _overlaps;

    public ConcurrentQueue<Handled> Handled { get; } = new();

    public ConcurrentQueue<string> Events { get; } = new();

    /// <summary>How long each successful hat takes.</summary>
    public TimeSpan WorkTime { get; set; }

    /// <summary>Once set, <c>inches = -2</c> stops failing with <c>unavailable</c>.</summary>
    public bool Healed { get; set; }

    /// <summary>Times a task ran in two workers of one group at once.</summary>
    public int Overlaps => _overlaps;

    public int Running => _running.Count;

    public IDisposable Enter(string group, long taskId)
    {
        if (!_running.TryAdd((group, taskId), 0))
        {
            Interlocked.Increment(ref _overlaps);
        }
        return new Exit(() => _running.TryRemove((group, taskId), out _));
    }

    public IReadOnlyList<long> TaskIds(string group) =>
        Handled.Where(h => h.Group == group && h.Succeeded).Select(h => h.TaskId).OrderBy(id => id).ToList();

    private sealed class Exit(Action exit) : IDisposable
    {
        public void Dispose() => exit();
    }
}

public sealed record Handled(string Group, long TaskId, int Attempt, DateTimeOffset At, bool Succeeded, Guid Scope, string? Tenant, DateTimeOffset EnqueuedAt);

public sealed class ScopedDependency
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>
/// Makes hats; <c>inches</c> picks a behaviour: positive succeeds (after <see cref="Probe.WorkTime"/>),
/// -1 is invalid_argument (final), -2 is unavailable (retryable) until healed, -3 waits for cancellation.
/// </summary>
public sealed class TestHaberdasher(Probe probe, ScopedDependency scoped) : HaberdasherBase
{
    public override async Task<Hat> MakeHat(Size request, TwirpContext context)
    {
        var task = context.GetQueueTask() ?? throw new InvalidOperationException("not called from the queue");
        using var _ = probe.Enter(task.Group, task.TaskId);
        var tenant = context.RequestHeaders.TryGetValue("X-Tenant", out var value) ? value.ToString() : null;
        try
        {
            switch (request.Inches)
            {
                case -1:
                    throw TwirpException.InvalidArgument("inches", "too small");
                case -2 when !probe.Healed:
                    throw TwirpException.Unavailable("the felt supplier is down");
                case -3:
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                default:
                    if (probe.WorkTime > TimeSpan.Zero)
                    {
                        await Task.Delay(probe.WorkTime, context.CancellationToken);
                    }
                    break;
            }
        }
        catch
        {
            probe.Handled.Enqueue(new Handled(task.Group, task.TaskId, task.Attempt, DateTimeOffset.UtcNow, false, scoped.Id, tenant, task.EnqueuedAt));
            throw;
        }
        probe.Handled.Enqueue(new Handled(task.Group, task.TaskId, task.Attempt, DateTimeOffset.UtcNow, true, scoped.Id, tenant, task.EnqueuedAt));
        return new Hat { Inches = request.Inches, Color = "red", Name = "hat " + task.TaskId };
    }
}

/// <summary>Consumers in this process over one queue, with the app's DI; stops them all on dispose.</summary>
public sealed class Workers : IAsyncDisposable
{
    private readonly List<IHostedService> _consumers = new();

    public Workers(TwirpQueue queue, Action<TwirpOptions>? configureTwirp = null)
    {
        Queue = queue;
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(Probe)
            .AddScoped<ScopedDependency>()
            .AddTwirpQueue(queue);
        services.AddTwirp(configureTwirp);
        Services = services.BuildServiceProvider();
    }

    public TwirpQueue Queue { get; }

    public Probe Probe { get; } = new();

    public ServiceProvider Services { get; }

    public async Task<TwirpQueueConsumer<TestHaberdasher>> StartAsync(string group, int concurrency = 1, Action<TwirpQueueConsumerOptions>? configure = null)
    {
        var options = new TwirpQueueConsumerOptions
        {
            Group = group,
            Concurrency = concurrency,
            PollInterval = TimeSpan.FromMilliseconds(100),
            LeaseDuration = TimeSpan.FromSeconds(3),
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        var consumer = new TwirpQueueConsumer<TestHaberdasher>(Services, options);
        await consumer.StartAsync(CancellationToken.None);
        _consumers.Add(consumer);
        return consumer;
    }

    public async Task StopAsync(IHostedService consumer, TimeSpan shutdownTimeout)
    {
        using var timeout = new CancellationTokenSource(shutdownTimeout);
        await consumer.StopAsync(timeout.Token);
        _consumers.Remove(consumer);
        ((IDisposable)consumer).Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var consumer in _consumers.ToArray())
        {
            await StopAsync(consumer, TimeSpan.FromSeconds(5));
        }
        await Services.DisposeAsync();
        await Queue.DisposeAsync();
    }
}

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(50);
        }
        return await condition();
    }

    public static Task<bool> HoldsAsync(Func<bool> condition, TimeSpan timeout) => HoldsAsync(() => Task.FromResult(condition()), timeout);
}
