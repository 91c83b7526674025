using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Twirp.Queue;

/// <summary>
/// Serves the queued calls of <typeparamref name="TService"/> for one group: leases ready tasks,
/// dispatches each through the same <see cref="TwirpServiceDispatcher"/> as HTTP (hooks, interceptors, a
/// DI scope per task), renews leases while tasks run, marks them done, retries or dead-letters them, and
/// on shutdown finishes what it runs within the host's shutdown timeout and releases the rest.
/// Registered with <c>AddTwirp().AddQueueConsumer&lt;TService&gt;(o =&gt; ...)</c>.
/// </summary>
public sealed class TwirpQueueConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService> : BackgroundService
    where TService : class, ITwirpService
{
    private const int CompletionBatchSize = 256;

    private readonly IServiceProvider _services;
    private readonly TwirpQueue _queue;
    private readonly TwirpQueueConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly string _service = TService.Definition.FullName;
    private readonly string _owner = WorkerName();
    private readonly ConcurrentDictionary<long, InFlightTask> _inFlight = new();
    private readonly Channel<TwirpQueueLease> _completions = Channel.CreateUnbounded<TwirpQueueLease>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abort = new();
    private readonly SemaphoreSlim _slots;
    private TwirpServiceDispatcher? _dispatcher;
    private TwirpQueueGroup? _group;

    /// <summary>Creates a consumer; <c>AddQueueConsumer</c> does this for the host.</summary>
    /// <param name="services">The app's services: <c>AddTwirp()</c> and a <see cref="TwirpQueue"/> must be registered.</param>
    /// <param name="options">The group, concurrency, leases and retries.</param>
    public TwirpQueueConsumer(IServiceProvider services, TwirpQueueConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _services = services;
        _options = options;
        _queue = services.GetService<TwirpQueue>()
            ?? throw new InvalidOperationException("No TwirpQueue is registered: add one with services.AddTwirpQueue(...), e.g. new SqliteTwirpQueue(...) or new PostgreSqlTwirpQueue(...).");
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Twirp.Queue");
        _slots = new SemaphoreSlim(options.Concurrency, options.Concurrency);
    }

    /// <summary>This worker's name in the store's lease columns: host, process id and a random suffix.</summary>
    public string WorkerId => _owner;

    /// <summary>The group consumed.</summary>
    public string Group => _options.Group;

    private static string WorkerName() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N").Substring(0, 8)}";

    /// <inheritdoc/>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _dispatcher = TwirpServiceDispatcher.Create<TService>(_services);
        await _queue.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        _group = await _queue.RegisterGroupCoreAsync(_service, _options.Group, cancellationToken).ConfigureAwait(false);
        _queue.StartListening();
        TwirpQueueLog.Started(_logger, _service, _options.Group, _options.Concurrency, _owner);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking tasks and waits for the running ones; when <paramref name="cancellationToken"/> (the
    /// host's shutdown timeout) fires first, cancels them and releases what does not finish.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort);
        // ExecuteAsync itself bounds the wait once _abort fires, so the host is never held past the
        // timeout plus the release grace period.
        await base.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _abort.Dispose();
        _slots.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = _group!;
        var completer = Task.Run(() => CompleteLoopAsync(group));
        using var maintenanceStop = new CancellationTokenSource();
        var maintenance = Task.Run(() => MaintenanceLoopAsync(group, maintenanceStop.Token));
        try
        {
            await LeaseLoopAsync(group, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await DrainAsync(group).ConfigureAwait(false);
            maintenanceStop.Cancel();
            _completions.Writer.TryComplete();
            await completer.ConfigureAwait(false);
            await maintenance.ConfigureAwait(false);
        }
    }

    private async Task LeaseLoopAsync(TwirpQueueGroup group, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var free = 1;
            while (free < _options.Concurrency && _slots.Wait(0))
            {
                free++;
            }

            var wakeup = _queue.TasksAvailable(_service);
            IReadOnlyList<TwirpLeasedTask> leased;
            try
            {
                leased = await _queue.LeaseCoreAsync(group, free, _owner, _options.LeaseDuration, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                _slots.Release(free);
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
                await DelayAsync(_options.PollInterval, stoppingToken).ConfigureAwait(false);
                continue;
            }
            if (leased.Count < free)
            {
                _slots.Release(free - leased.Count);
            }
            foreach (var task in leased)
            {
                var inFlight = new InFlightTask(task, _abort.Token, _options.Timeout);
                _inFlight[task.Lease.TaskId] = inFlight;
                inFlight.Completion = Task.Run(() => RunAsync(group, inFlight));
            }
            if (leased.Count == 0)
            {
                await WaitForTasksAsync(group, wakeup, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForTasksAsync(TwirpQueueGroup group, Task wakeup, CancellationToken stoppingToken)
    {
        var wait = _options.PollInterval;
        try
        {
            if (await _queue.NextRunAtCoreAsync(group, stoppingToken).ConfigureAwait(false) is { } next)
            {
                var untilNext = next - DateTimeOffset.UtcNow;
                if (untilNext < wait)
                {
                    wait = untilNext < TimeSpan.Zero ? TimeSpan.Zero : untilNext;
                }
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (wait == TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await wakeup.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync(TwirpQueueGroup group, InFlightTask inFlight)
    {
        var task = inFlight.Task;
        var lease = task.Lease;
        try
        {
            var error = await DispatchAsync(group, inFlight).ConfigureAwait(false);
            if (inFlight.LeaseLost)
            {
                TwirpQueueLog.LeaseLost(_logger, lease.TaskId, group.Name);
                return;
            }
            if (error is null)
            {
                _completions.Writer.TryWrite(lease);
                return;
            }
            if (_abort.IsCancellationRequested && error.Code is TwirpErrorCode.Canceled)
            {
                // Stopped by the host's shutdown timeout: not the task's fault, so not an attempt.
                await _queue.ReleaseCoreAsync(group, [lease], CancellationToken.None).ConfigureAwait(false);
                inFlight.Released = true;
                return;
            }
            await FailAsync(group, task, error).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Only the store can fail here; the lease then runs out and another worker takes the task.
            TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
        }
        finally
        {
            _inFlight.TryRemove(lease.TaskId, out _);
            inFlight.Dispose();
            _slots.Release();
        }
    }

    private async Task<TwirpException?> DispatchAsync(TwirpQueueGroup group, InFlightTask inFlight)
    {
        var task = inFlight.Task;
        var message = task.Message;
        if (task.Lease.Attempt > _options.MaxAttempts)
        {
            // Its earlier runs all ended with the worker gone (lease expired): never run it again.
            return new TwirpException(TwirpErrorCode.DeadlineExceeded, $"the task's lease expired on each of its {_options.MaxAttempts} attempts");
        }
        var dispatcher = _dispatcher!;
        var method = string.Equals(message.Service, dispatcher.Definition.FullName, StringComparison.Ordinal)
            ? dispatcher.FindMethod(message.Method)
            : null;
        if (method is null)
        {
            return new TwirpException(TwirpErrorCode.BadRoute, $"no method {message.Service}/{message.Method} in {dispatcher.Definition.FullName}");
        }
        var scope = _services.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var headers = new HeaderDictionary();
            if (message.Headers is { } stored)
            {
                foreach (var pair in stored)
                {
                    headers[pair.Key] = pair.Value;
                }
            }
            var context = new TwirpContext(method, inFlight.Cancellation.Token)
            {
                RequestHeaders = headers,
                RequestServices = scope.ServiceProvider,
                Deadline = inFlight.Deadline,
            };
            context.SetFeature(new TwirpQueueTask(task.Lease.TaskId, task.Lease.Attempt, group.Name, task.EnqueuedAt));
            var exchange = new QueueServerExchange(message, () => inFlight.DeadlineExceeded);
            await dispatcher.DispatchAsync(context, exchange).ConfigureAwait(false);
            return exchange.Succeeded ? null : exchange.Error ?? TwirpException.Internal("the call ended without an answer");
        }
    }

    private async Task FailAsync(TwirpQueueGroup group, TwirpLeasedTask task, TwirpException error)
    {
        var lease = task.Lease;
        var method = task.Message.Service + "/" + task.Message.Method;
        var errorJson = TwirpQueueErrors.ToJson(error);
        if (_options.RetryableCodes.Contains(error.Code) && lease.Attempt < _options.MaxAttempts)
        {
            var delay = _options.RetryDelayBefore(lease.Attempt + 1);
            TwirpQueueLog.Retrying(_logger, lease.TaskId, method, group.Name, lease.Attempt, error.Code.ToWireName(), delay.TotalMilliseconds, error.Message);
            await _queue.RetryCoreAsync(group, lease, DateTimeOffset.UtcNow + delay, errorJson, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        TwirpQueueLog.DeadLettered(_logger, lease.TaskId, method, group.Name, lease.Attempt, error.Code.ToWireName(), error.Message);
        await _queue.DeadLetterCoreAsync(group, lease, errorJson, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task CompleteLoopAsync(TwirpQueueGroup group)
    {
        var reader = _completions.Reader;
        var batch = new List<TwirpQueueLease>(CompletionBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < CompletionBatchSize && reader.TryRead(out var lease))
            {
                batch.Add(lease);
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _queue.CompleteCoreAsync(group, batch, CancellationToken.None).ConfigureAwait(false);
                    break;
                }
                catch (Exception exception) when (attempt < 5)
                {
                    TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt)).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    // The leases run out and the tasks run again: at-least-once, never lost.
                    TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
                    break;
                }
            }
            batch.Clear();
        }
    }

    private async Task MaintenanceLoopAsync(TwirpQueueGroup group, CancellationToken stop)
    {
        var interval = _options.LeaseDuration / 3;
        var nextPrune = DateTimeOffset.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RenewLeasesAsync(group, stop).ConfigureAwait(false);
                var reclaimed = await _queue.ReclaimExpiredLeasesCoreAsync(group, stop).ConfigureAwait(false);
                if (reclaimed > 0)
                {
                    TwirpQueueLog.Reclaimed(_logger, reclaimed, group.Name);
                    _queue.SignalTasksAvailable(_service);
                }
                if (DateTimeOffset.UtcNow >= nextPrune)
                {
                    nextPrune = DateTimeOffset.UtcNow + _queue.Options.PruneInterval;
                    var pruned = await _queue.PruneAsync(stop).ConfigureAwait(false);
                    if (pruned > 0)
                    {
                        TwirpQueueLog.Pruned(_logger, pruned);
                    }
                }
            }
            catch (Exception exception) when (!stop.IsCancellationRequested)
            {
                TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await DelayAsync(interval, stop).ConfigureAwait(false);
        }
    }

    private async Task RenewLeasesAsync(TwirpQueueGroup group, CancellationToken stop)
    {
        if (_inFlight.IsEmpty)
        {
            return;
        }
        var running = new List<InFlightTask>(_inFlight.Values);
        var leases = new List<TwirpQueueLease>(running.Count);
        foreach (var inFlight in running)
        {
            leases.Add(inFlight.Task.Lease);
        }
        var held = await _queue.ExtendLeasesCoreAsync(group, leases, _options.LeaseDuration, stop).ConfigureAwait(false);
        var heldSet = held as ISet<long> ?? new HashSet<long>(held);
        foreach (var inFlight in running)
        {
            if (!heldSet.Contains(inFlight.Task.Lease.TaskId) && !inFlight.IsFinished)
            {
                inFlight.LoseLease();
            }
        }
    }

    private async Task DrainAsync(TwirpQueueGroup group)
    {
        var running = new List<Task>();
        foreach (var inFlight in _inFlight.Values)
        {
            running.Add(inFlight.Completion ?? Task.CompletedTask);
        }
        var all = Task.WhenAll(running);
        try
        {
            // Until the host's shutdown timeout fires _abort: then the handlers are canceled and given a
            // grace period to return and release their tasks themselves.
            await all.WaitAsync(_abort.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
        }
        try
        {
            await all.WaitAsync(_options.ReleaseGracePeriod).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
        }
        var stuck = new List<TwirpQueueLease>();
        foreach (var inFlight in _inFlight.Values)
        {
            if (!inFlight.Released)
            {
                stuck.Add(inFlight.Task.Lease);
                inFlight.LoseLease();
            }
        }
        if (stuck.Count > 0)
        {
            try
            {
                await _queue.ReleaseCoreAsync(group, stuck, CancellationToken.None).ConfigureAwait(false);
                TwirpQueueLog.Released(_logger, _service, group.Name, stuck.Count);
            }
            catch (Exception exception)
            {
                TwirpQueueLog.StoreFailed(_logger, _service, group.Name, exception);
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One running task: its cancellation (shutdown, timeout, lost lease) and why it fired.</summary>
    private sealed class InFlightTask : IDisposable
    {
        private readonly CancellationTokenSource? _timeout;
        private volatile bool _leaseLost;

        public InFlightTask(TwirpLeasedTask task, CancellationToken abort, TimeSpan? timeout)
        {
            Task = task;
            Cancellation = CancellationTokenSource.CreateLinkedTokenSource(abort);
            if (timeout is { } limit)
            {
                Deadline = DateTimeOffset.UtcNow + limit;
                _timeout = new CancellationTokenSource(limit);
                _timeout.Token.Register(static state => ((CancellationTokenSource)state!).Cancel(), Cancellation);
            }
        }

        public TwirpLeasedTask Task { get; }

        public CancellationTokenSource Cancellation { get; }

        public DateTimeOffset? Deadline { get; }

        public Task? Completion { get; set; }

        public bool LeaseLost => _leaseLost;

        public bool Released { get; set; }

        public bool IsFinished => Completion?.IsCompleted == true;

        public bool DeadlineExceeded => _leaseLost || _timeout?.IsCancellationRequested == true;

        public void LoseLease()
        {
            _leaseLost = true;
            try
            {
                Cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public void Dispose()
        {
            _timeout?.Dispose();
            Cancellation.Dispose();
        }
    }
}
