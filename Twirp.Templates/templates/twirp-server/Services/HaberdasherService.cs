using Hats.V1;
using Twirp;

namespace TwirpService1.Services;

/// <summary>Makes hats of the requested size. Created per call, with its constructor's dependencies from DI.</summary>
public sealed class HaberdasherService : HaberdasherBase
{
    private static readonly string[] Colors = ["white", "black", "brown", "red", "blue"];
    private static readonly string[] Names = ["bowler", "baseball cap", "top hat", "derby", "fedora"];

    public override Task<Hat> MakeHat(Size request, TwirpContext context)
    {
        if (request.Inches <= 0)
        {
            // Answered as Twirp's invalid_argument "inches must be positive" (HTTP 400), {"argument":"inches"} in meta.
            throw TwirpException.InvalidArgument("inches", "must be positive");
        }
        return Task.FromResult(new Hat
        {
            Inches = request.Inches,
            Color = Colors[Random.Shared.Next(Colors.Length)],
            Name = Names[Random.Shared.Next(Names.Length)],
        });
    }
}
