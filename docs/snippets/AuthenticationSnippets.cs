using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace DocsSnippets;

public static class AuthenticationSnippets
{
    public static void Jwt(WebApplicationBuilder builder)
    {
        #region jwt
        // dotnet add package Microsoft.AspNetCore.Authentication.JwtBearer
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.Authority = builder.Configuration["Auth:Authority"]; // your identity provider
                options.Audience = builder.Configuration["Auth:Audience"];
                // A browser cannot set headers on a WebSocket (or an EventSource), so SignalR clients send the token
                // as ?access_token=… there. JWT bearer reads only the Authorization header unless told otherwise.
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && context.HttpContext.Request.Path.StartsWithSegments("/hubs"))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorization();
        #endregion
    }

    public static void Redis(WebApplicationBuilder builder)
    {
        #region redis
        // dotnet add package SignalRChannels.Redis
        builder.Services.AddSignalR()
            .AddChannels(channels => channels.History("chat.*", size: 200, ttl: TimeSpan.FromHours(1)))
            .AddRedis(builder.Configuration.GetConnectionString("Redis")); // "localhost:6379"; null keeps in-memory
        #endregion
    }
}
