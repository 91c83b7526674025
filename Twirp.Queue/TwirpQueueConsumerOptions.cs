using System;
using System.Collections.Generic;

namespace Twirp.Queue;

/// <summary>How one consumer serves a service's tasks: its group, concurrency, leases and retries.</summary>
public sealed class TwirpQueueConsumerOptions
{
    /// <summary>
    /// The consumer group. Every group receives every task of the service (fan-out); the workers of one
    /// group, in any number of processes, share its tasks (competing consumers). Default <c>default</c>.
    /// </summary>
    public string Group { get; set; } = "default";

    /// <summary>How many tasks this consumer runs at once. Default 1.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>
    /// How long a lease lasts without renewal. A running task's lease is renewed every third of it; a
    /// worker that dies loses its tasks to the rest of the group once it runs out. Default 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an idle consumer waits before looking again when nothing wakes it (PostgreSQL's
    /// LISTEN/NOTIFY and same-process enqueues wake it at once). Default one second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one run of a task may take before it is canceled and answered <c>deadline_exceeded</c> (retryable). Null (default): no limit.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Runs of a task, the first included, before a retryable failure becomes a dead letter. Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The delay before the first retry; it doubles each attempt (with jitter), up to <see cref="MaxRetryDelay"/>. Default one second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two attempts. Default ten minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Twirp error codes that are retried: by default <c>unavailable</c>, <c>deadline_exceeded</c>,
    /// <c>resource_exhausted</c>, <c>aborted</c>, <c>internal</c> and <c>unknown</c> (an unhandled
    /// exception is <c>internal</c>). Every other code is final: the task becomes a dead letter at once.
    /// </summary>
    public ISet<TwirpErrorCode> RetryableCodes { get; } = new HashSet<TwirpErrorCode>
    {
        TwirpErrorCode.Unavailable,
        TwirpErrorCode.DeadlineExceeded,
        TwirpErrorCode.ResourceExhausted,
        TwirpErrorCode.Aborted,
        TwirpErrorCode.Internal,
        TwirpErrorCode.Unknown,
    };

    /// <summary>
    /// After the host's shutdown timeout cancels the running tasks, how long to wait for them to return
    /// before their leases are released regardless. Default five seconds.
    /// </summary>
    public TimeSpan ReleaseGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Group);
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(LeaseDuration, TimeSpan.FromMilliseconds(100));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollInterval, TimeSpan.FromMilliseconds(1));
    }

    /// <summary>The delay before attempt <paramref name="nextAttempt"/>: exponential with "equal jitter" (half fixed, half random), so retries of a burst spread out.</summary>
    internal TimeSpan RetryDelayBefore(int nextAttempt)
    {
        var exponent = Math.Min(nextAttempt - 2, 30);
        var full = Math.Min(RetryDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full / 2 + Random.Shared.NextDouble() * full / 2);
    }
}
