namespace WorkerService;

/// <summary>The payload of the ChatApp's <c>message</c> event.</summary>
public sealed record ChatMessage(string Id, string? UserId, string? User, string Text);
