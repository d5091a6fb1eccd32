using System.Reflection;
using SignalRChannels.Contracts;

namespace SignalRChannels;

/// <summary>Registers typed channels (<see cref="ChannelAttribute"/>) with channels.</summary>
public static class ChannelContractsChannelsBuilderExtensions
{
    /// <summary>
    /// Reads the typed channels declared in <paramref name="assembly"/> (records with <see cref="ChannelAttribute"/>) and
    /// checks their declarations now, so a template naming no property fails the start rather than the first publish.
    /// With <paramref name="validatePayloads"/> (meant for development), every event published to a typed channel must be
    /// one it declares, with a payload that reads strictly as the declared type; a mismatch is refused: the publisher
    /// gets <c>event_failed</c> (the log says what did not match) and a mismatching whisper's sender <c>event_dropped</c>
    /// with the reason. Whispers are checked only on channels that declare some.
    /// </summary>
    /// <param name="channels">The channels builder.</param>
    /// <param name="assembly">The assembly that declares the typed channels, usually the app's.</param>
    /// <param name="validatePayloads">Validate published payloads against the declarations.</param>
    /// <returns>The same builder.</returns>
    public static ChannelsBuilder AddChannelContracts(this ChannelsBuilder channels, Assembly assembly, bool validatePayloads = false)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(assembly);
        foreach (var contract in ChannelContract.FromAssembly(assembly))
        {
            // Building the name formatter checks that every placeholder names a property.
            _ = TypedChannel.FormatterFor(contract.Type);

            if (validatePayloads)
            {
                var validation = new ContractValidation(contract);
                channels.UseMiddleware(validation.InvokeAsync, contract.Pattern.Text);
            }
        }

        return channels;
    }
}
