namespace WorkerService;

/// <summary>Where the bot connects and as whom (section <c>EchoBot</c> of the configuration).</summary>
public sealed class EchoBotOptions
{
    /// <summary>The ChatApp sample's base address.</summary>
    public Uri ServerUrl { get; set; } = new("http://localhost:5000");

    /// <summary>The display name the bot signs in with.</summary>
    public string Name { get; set; } = "echo-bot";

    /// <summary>The room it sits in.</summary>
    public string Room { get; set; } = "lobby";
}
