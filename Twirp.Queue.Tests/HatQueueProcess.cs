using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Twirp.Queue.Tests;

/// <summary>The sample's worker as a separate process (sample/HatQueue), killed or stopped by the test.</summary>
public sealed partial class HatQueueProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HatQueueProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static HatQueueProcess Start(TestStore store, params string[] arguments)
    {
        var path = typeof(HatQueueProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "HatQueuePath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(path);
        foreach (var argument in arguments.Concat(store.CommandLine))
        {
            start.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = start };
        var worker = new HatQueueProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: no shutdown, no lease released.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM, as a service manager stops a worker: it drains and exits.</summary>
    public void Stop()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
        if (!_process.WaitForExit(20_000))
        {
            Kill();
        }
        _process.WaitForExit();
    }

    /// <summary>The task ids of the hats this process made (from <c>--verbose</c> lines).</summary>
    public IReadOnlyList<long> MadeHats() => MadeHatLine().Matches(Output).Select(m => long.Parse(m.Groups[1].Value)).ToList();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"made hat #(\d+)")]
    private static partial Regex MadeHatLine();
}
