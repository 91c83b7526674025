using System;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Example.Haberdasher;

namespace Twirp.Queue.Tests;

/// <summary>What only PostgreSQL has: LISTEN/NOTIFY wakes idle workers of other processes at once.</summary>
public class PostgreSqlWakeupTests
{
    [Test]
    public async Task An_idle_worker_is_woken_by_another_processes_enqueue_long_before_its_poll_interval()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.PostgreSql);
        await using var workers = new Workers(store.CreateQueue());
        await workers.StartAsync("n", configure: o => o.PollInterval = TimeSpan.FromMinutes(5));
        // A second queue object is what another process has: its enqueue cannot signal this one's consumers in memory.
        await using var producer = store.CreateQueue();
        await producer.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 1 });
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Handled.Count == 1, TimeSpan.FromSeconds(20)), Is.True);

        var clock = Stopwatch.StartNew();
        await producer.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 2 });
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Handled.Count == 2, TimeSpan.FromSeconds(20)), Is.True);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "woken by NOTIFY, not the 5-minute poll");
        Assert.That(workers.Probe.Handled.Select(h => h.Attempt), Is.All.EqualTo(1));
    }
}
