namespace SignalRChannels.LoadTool.Serve;

/// <summary>The command line of a server process: <c>serve &lt;kind&gt; [--redis host:port --prefix p]</c>.</summary>
internal sealed record ServeOptions(ServerKind Kind, string? Redis, string Prefix, int HistorySize)
{
    public static ServeOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || !Enum.TryParse<ServerKind>(args[1], ignoreCase: true, out var kind))
        {
            throw new ArgumentException("usage: serve channels|channelsmiddleware|plain|raw|pusher [--redis host:port --prefix p] [--history-size n]");
        }

        string? redis = null;
        var prefix = "loadtool";
        var historySize = 1000;
        for (var i = 2; i < args.Count - 1; i += 2)
        {
            switch (args[i])
            {
                case "--redis":
                    redis = args[i + 1];
                    break;
                case "--prefix":
                    prefix = args[i + 1];
                    break;
                case "--history-size":
                    historySize = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"unknown serve option {args[i]}");
            }
        }

        return new ServeOptions(kind, redis, prefix, historySize);
    }
}
