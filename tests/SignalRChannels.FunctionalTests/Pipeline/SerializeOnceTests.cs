using System.Buffers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace SignalRChannels.FunctionalTests.Pipeline;

/// <summary>The fan-out serializes an event once per hub protocol, not once per recipient.</summary>
public sealed class SerializeOnceTests
{
    private const int Subscribers = 20;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Publish_ToManySubscribers_SerializesTheEnvelopeOnce(bool halfFiltered)
    {
        var counting = new CountingProtocol();
        await using var server = await ChannelsTestServer.StartAsync(new ChannelsTestServerOptions
        {
            ConfigureBuilder = builder => builder.Services.AddSingleton<IHubProtocol>(counting),
        });

        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < Subscribers; i++)
            {
                var builder = new HubConnectionBuilder().WithUrl(server.HubUrl);
                builder.Services.AddSingleton<IHubProtocol>(new CountingProtocol());
                var connection = builder.Build();
                connection.On<object>("ChannelEvent", _ =>
                {
                    if (Interlocked.Increment(ref count) == Subscribers)
                    {
                        received.TrySetResult();
                    }
                });
                await connection.StartAsync().DefaultTimeout();
                // With half filtered, the event goes to two groups (the channel's and the filter's) in one send.
                object? options = halfFiltered && i % 2 == 0 ? new { events = new[] { "tick" } } : null;
                await connection.InvokeAsync<object>("Subscribe", "room.once", options).DefaultTimeout();
                connections.Add(connection);
            }

            var before = counting.ChannelEventsSerialized;
            await server.Broadcaster.PublishAsync("room.once", "tick", new { n = 1 });
            await received.Task.DefaultTimeout();

            Assert.Equal(Subscribers, count);
            Assert.Equal(1, counting.ChannelEventsSerialized - before);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>The JSON protocol under its own name, counting how often a <c>ChannelEvent</c> is serialized.</summary>
    private sealed class CountingProtocol() : RenamedJsonHubProtocol("counting-json")
    {
        private int _serialized;

        public int ChannelEventsSerialized => Volatile.Read(ref _serialized);

        public override void WriteMessage(HubMessage message, IBufferWriter<byte> output)
        {
            Count(message);
            base.WriteMessage(message, output);
        }

        public override ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
        {
            Count(message);
            return base.GetMessageBytes(message);
        }

        private void Count(HubMessage message)
        {
            if (IsChannelEvent(message))
            {
                Interlocked.Increment(ref _serialized);
            }
        }
    }
}
