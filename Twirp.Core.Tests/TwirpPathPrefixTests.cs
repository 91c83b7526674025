using NUnit.Framework;

namespace Twirp.Core.Tests;

public class TwirpPathPrefixTests
{
    [TestCase(null, "")]
    [TestCase("", "")]
    [TestCase("/", "")]
    [TestCase(" / ", "")]
    [TestCase("twirp", "/twirp")]
    [TestCase("/twirp", "/twirp")]
    [TestCase("/twirp/", "/twirp")]
    [TestCase(" /twirp ", "/twirp")]
    [TestCase("api/v1/", "/api/v1")]
    [TestCase("//rpc//", "/rpc")]
    public void Prefix_is_empty_or_one_leading_slash_and_no_trailing_slash(string? configured, string expected)
    {
        Assert.That(TwirpPathPrefix.Normalize(configured), Is.EqualTo(expected));
    }
}
