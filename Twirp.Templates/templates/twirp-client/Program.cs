using Hats.V1;
using Twirp;

// Usage: dotnet run [-- <server address> [inches]]. The default address is the twirp-server
// template's; in an app with a host, register the client with services.AddTwirpClient<HaberdasherClient>().
var address = new Uri(args.Length > 0 ? args[0] : "http://localhost:5080");
var inches = args.Length > 1 ? int.Parse(args[1]) : 12;

// Twirp is POST-only: a redirect comes from something in between, so it is reported, not followed.
using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = address };
// Protobuf on the wire; TwirpEncoding.Json sends JSON instead.
var client = new HaberdasherClient(http, new TwirpClientOptions { Encoding = TwirpEncoding.Protobuf });

try
{
    var hat = await client.MakeHatAsync(new Size { Inches = inches });
    Console.WriteLine($"Made a {hat.Color} {hat.Name}, {hat.Inches} inches.");
    return 0;
}
catch (TwirpException error)
{
    // Every failure is a Twirp error: the server's (invalid_argument, ...) or unavailable when it cannot be reached.
    Console.Error.WriteLine($"{error.Code.ToWireName()}: {error.Message}");
    return 1;
}
