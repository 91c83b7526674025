using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// <c>dotnet Twirp.Runtime.FaultTests.dll serve [--urls ...] [--shutdown-timeout-ms N]</c> runs the
/// fault server in a process of its own, for the shutdown tests' SIGTERM. The test host never calls this.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "serve")
        {
            Console.Error.WriteLine("usage: Twirp.Runtime.FaultTests serve [--urls http://127.0.0.1:0] [--shutdown-timeout-ms 30000]");
            return 2;
        }
        var rest = args.Skip(1).ToList();
        TimeSpan? shutdownTimeout = null;
        var at = rest.IndexOf("--shutdown-timeout-ms");
        if (at >= 0)
        {
            shutdownTimeout = TimeSpan.FromMilliseconds(int.Parse(rest[at + 1], System.Globalization.CultureInfo.InvariantCulture));
            rest.RemoveRange(at, 2);
        }
        var app = FaultServer.Build(rest.ToArray(), logs: null, shutdownTimeout: shutdownTimeout);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine("listening " + address);
        });
        app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping"));
        app.Run();
        Console.WriteLine("stopped");
        return 0;
    }
}
