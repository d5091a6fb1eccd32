using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace SignalRChannels.Tests.Persistence;

/// <summary>Epochs are drawn from a block of cryptographic random bytes per thread; they must still never repeat.</summary>
public sealed partial class StreamEpochTests
{
    [Fact]
    public void New_FromManyThreadsAtOnce_GivesDistinctEpochsOfEightCharacters()
    {
        var epochs = new ConcurrentBag<string>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                epochs.Add(StreamEpoch.New());
            }
        });

        Assert.Equal(40_000, epochs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(epochs, epoch => Assert.Matches(Epoch(), epoch));
    }

    [Fact]
    public void New_UsesEveryCharacterOfTheAlphabet()
    {
        var seen = new HashSet<char>();

        for (var i = 0; i < 1_000; i++)
        {
            seen.UnionWith(StreamEpoch.New());
        }

        Assert.Equal(36, seen.Count);
    }

    [GeneratedRegex("^[0-9a-z]{8}$")]
    private static partial Regex Epoch();
}
