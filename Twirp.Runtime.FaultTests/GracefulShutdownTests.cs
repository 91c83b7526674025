using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Runtime.FaultTests.Protos;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// SIGTERM to a real server process (this assembly run as <c>serve</c>) with many slow calls in flight:
/// what the calls, the process and the clients see, within and beyond <c>HostOptions.ShutdownTimeout</c>.
/// </summary>
[NonParallelizable]
public class GracefulShutdownTests
{
    private const int Calls = 40;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private const int SIGTERM = 15;

    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

        public ServerProcess(int shutdownTimeoutMs)
        {
            Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "the tests send SIGTERM");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { typeof(Program).Assembly.Location, "serve", "--urls", "http://127.0.0.1:0", "--shutdown-timeout-ms", shutdownTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is null)
                {
                    return;
                }
                _output.Enqueue(line.Data);
                if (line.Data.StartsWith("listening ", StringComparison.Ordinal))
                {
                    _listening.TrySetResult(new Uri(line.Data.Substring("listening ".Length)));
                }
            };
            _process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { _output.Enqueue("err: " + line.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>Waits until the server listens; a client of it.</summary>
        public async Task<HttpClient> ConnectAsync()
        {
            var address = await _listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public string Output => string.Join("\n", _output);

        public void Terminate() => Assert.That(kill(_process.Id, SIGTERM), Is.Zero, "kill -TERM");

        public async Task<int> ExitCodeAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }

    private static async Task WaitForInFlightAsync(HttpClient http, int count)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await http.GetStringAsync("/in-flight") == count.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{count} calls never were in flight together");
    }

    [Test]
    public async Task Sigterm_lets_every_accepted_call_complete_then_the_client_gets_unavailable()
    {
        using var server = new ServerProcess(shutdownTimeoutMs: 30_000);
        using var http = await server.ConnectAsync();
        var client = new FaultClient(http);

        var calls = Enumerable.Range(0, Calls).Select(_ => client.SlowAsync(new SlowRequest { DelayMs = 2000 })).ToList();
        await WaitForInFlightAsync(http, Calls);
        server.Terminate();
        var replies = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));
        var exitCode = await server.ExitCodeAsync(TimeSpan.FromSeconds(30));
        var afterwards = Assert.ThrowsAsync<TwirpException>(() => client.SlowAsync(new SlowRequest { DelayMs = 1 }));

        Assert.That(replies.Select(r => r.WaitedMs >= 1900), Is.All.True, "each call ran its full 2 s");
        Assert.That(exitCode, Is.Zero, server.Output);
        Assert.That(server.Output, Does.Contain("stopping").And.Contain("stopped"));
        Assert.That(afterwards!.Code, Is.EqualTo(TwirpErrorCode.Unavailable));
        Assert.That(afterwards.InnerException, Is.InstanceOf<HttpRequestException>());
    }

    [Test]
    public async Task Calls_still_running_when_the_shutdown_timeout_runs_out_are_aborted_and_their_clients_get_unavailable()
    {
        using var server = new ServerProcess(shutdownTimeoutMs: 1000);
        using var http = await server.ConnectAsync();
        var client = new FaultClient(http);
        const int Short = 10, Long = 10;

        var quick = Enumerable.Range(0, Short).Select(_ => client.SlowAsync(new SlowRequest { DelayMs = 300 })).ToList();
        var slow = Enumerable.Range(0, Long).Select(_ => client.SlowAsync(new SlowRequest { DelayMs = 20_000 })).ToList();
        await WaitForInFlightAsync(http, Short + Long);
        var clock = Stopwatch.StartNew();
        server.Terminate();
        var exitCode = await server.ExitCodeAsync(TimeSpan.FromSeconds(15));
        var stoppedAfter = clock.Elapsed;
        var quickReplies = await Task.WhenAll(quick);
        var slowErrors = slow.Select(call => Assert.CatchAsync<TwirpException>(() => call)!).ToList();

        Assert.That(quickReplies, Has.Length.EqualTo(Short), "calls that finish within the timeout are answered");
        Assert.That(slowErrors.Select(e => e.Code).Distinct(), Is.EqualTo(new[] { TwirpErrorCode.Unavailable }), "the rest are cut off: the connection closes without an answer");
        Assert.That(stoppedAfter, Is.LessThan(TimeSpan.FromSeconds(10)), "the process does not wait for the 20 s calls");
        Assert.That(exitCode, Is.Zero, server.Output);
    }
}
