using System;
using System.Threading.Tasks;
using Twirp;
using Twirp.Example.Haberdasher;

namespace Haberdasher;

/// <summary>Makes hats of the requested size in a random color and style.</summary>
public sealed class HaberdasherService : HaberdasherBase
{
    private static readonly string[] Colors = ["white", "black", "brown", "red", "blue", "green"];
    private static readonly string[] Names = ["bowler", "baseball cap", "top hat", "derby", "fedora", "beret"];

    public override Task<Hat> MakeHat(Size request, TwirpContext context)
    {
        if (request.Inches <= 0)
        {
            throw TwirpException.InvalidArgument("inches", "I can't make a hat that small!");
        }
        return Task.FromResult(new Hat
        {
            Inches = request.Inches,
            Color = Colors[Random.Shared.Next(Colors.Length)],
            Name = Names[Random.Shared.Next(Names.Length)],
        });
    }
}
