// The SignalRChannels load tool (DESIGN §11). Run in Release:
//
//   dotnet build tests/SignalRChannels.LoadTool -c Release
//   dotnet tests/SignalRChannels.LoadTool/bin/Release/net10.0/SignalRChannels.LoadTool.dll [options]
//
// Options (defaults in brackets): --scenarios fanout,official,crossnode,history,presence,idle,pusher,pipeline,manychannels,heartbeat,churn,socketio [all]
//   --connections 1000 --events 1000 --size 100 --rate 0 (events/s; 0 = as fast as accepted) --rounds 3
//   --paced-rate 250 --official-connections 200 --official-events 1000 --nodes 2
//   --history-channels 10 --history-subscribers 10 --history-events 10000
//   --presence-members 10000 --presence-observers 100 --presence-joiners 50 --idle-connections 1000
//   --many-channels 10000 --many-subscribers 5 --many-publishers 100 --many-connections 1000 --many-events 20000
//   --many-paced-rate 2000 --heartbeat-connections 10000 --heartbeat-seconds 30
//   --churn-rooms 2 --churn-members 1000 --churn-workers 20 --churn-seconds 10
//   --redis 127.0.0.1:6379 (REDIS_URL) | --no-redis   --max-seconds 2400  --output report.md
//   --perf <dir> (perf record of each server during its last measured round)   --smoke (seconds-long run)
//   --control (fan-out also measures a second plain SignalR server: the A/A noise band of the run)
//
// `serve <channels|channelsmiddleware|plain|raw|pusher> [--redis host:port --prefix p]` is how the tool starts each server under test.
using SignalRChannels.LoadTool.Run;
using SignalRChannels.LoadTool.Serve;

try
{
    return args is ["serve", ..]
        ? await LoadServer.RunAsync(ServeOptions.Parse(args))
        : await Runner.RunAsync(LoadOptions.Parse(args));
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
