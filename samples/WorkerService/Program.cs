using System.Net.Http.Json;
using SignalRChannels.Client;
using WorkerService;

// A generic-host worker that uses the .NET client: it joins a room of the ChatApp sample
// (dotnet run --project samples/ChatApp) and answers "!echo ..." messages.
var builder = Host.CreateApplicationBuilder(args);
var bot = builder.Configuration.GetSection("EchoBot").Get<EchoBotOptions>() ?? new EchoBotOptions();
builder.Services.Configure<EchoBotOptions>(builder.Configuration.GetSection("EchoBot"));

// ChatApp signs users in with a cookie; a service would use a bearer token (AccessTokenProvider) instead.
var cookie = await SignInAsync(bot.ServerUrl, bot.Name);

builder.Services
    .AddChannelsClient(options =>
    {
        options.Url = new Uri(bot.ServerUrl, "/hubs/chat");
        options.Protocol = ChannelsProtocol.MessagePack;
        options.Headers["Cookie"] = cookie;
        options.Reconnect.MaxDelay = TimeSpan.FromSeconds(10);
    })
    .StartOnHost();
builder.Services.AddHostedService<EchoBot>();

await builder.Build().RunAsync();

static async Task<string> SignInAsync(Uri server, string name)
{
    using var http = new HttpClient { BaseAddress = server };
    using var response = await http.PostAsJsonAsync("/api/login", new { name });
    response.EnsureSuccessStatusCode();
    return string.Join("; ", response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
}
