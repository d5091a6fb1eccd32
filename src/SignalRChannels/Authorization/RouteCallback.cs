using System.Globalization;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace SignalRChannels.Authorization;

/// <summary>
/// A route callback with its parameters bound once at registration: the user, the caller context, a
/// cancellation token, route parameters by name (string, int, long, Guid, anything with <c>TryParse</c>),
/// and DI services for the rest. Sync or async; returns bool (private/public) or a member (presence).
/// </summary>
internal sealed class RouteCallback
{
    private readonly Delegate _callback;
    private readonly Func<BindingContext, (bool Ok, object? Value, string? Error)>[] _binders;
    private readonly Func<object?, ValueTask<object?>> _unwrap;

    public RouteCallback(Delegate callback, ChannelKind kind, ChannelPattern pattern)
    {
        _callback = callback;
        var method = callback.Method;
        _binders = method.GetParameters().Select(p => CreateBinder(p, pattern)).ToArray();
        _unwrap = CreateUnwrapper(method.ReturnType, kind, pattern);
    }

    public async ValueTask<object?> InvokeAsync(BindingContext context)
    {
        var arguments = new object?[_binders.Length];
        for (var i = 0; i < _binders.Length; i++)
        {
            var (ok, value, error) = _binders[i](context);
            if (!ok)
            {
                throw new RouteBindingException(error!);
            }

            arguments[i] = value;
        }

        object? result;
        try
        {
            result = _callback.DynamicInvoke(arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }

        return await _unwrap(result).ConfigureAwait(false);
    }

    private static Func<BindingContext, (bool, object?, string?)> CreateBinder(ParameterInfo parameter, ChannelPattern pattern)
    {
        var type = parameter.ParameterType;
        if (type == typeof(ClaimsPrincipal))
        {
            return c => (true, c.Authorization.User, null);
        }

        if (type == typeof(HubCallerContext))
        {
            return c => (true, c.Caller, null);
        }

        if (type == typeof(ChannelAuthorizationContext))
        {
            return c => (true, c.Authorization, null);
        }

        if (type == typeof(ChannelName))
        {
            return c => (true, c.Authorization.Channel, null);
        }

        if (type == typeof(CancellationToken))
        {
            return c => (true, c.CancellationToken, null);
        }

        var routeName = pattern.ParameterNames.FirstOrDefault(n => string.Equals(n, parameter.Name, StringComparison.OrdinalIgnoreCase));
        if (routeName is not null)
        {
            var parse = CreateParser(type)
                ?? throw new ArgumentException(
                    $"Route '{pattern}': parameter '{parameter.Name}' has type {type.Name}, which cannot be parsed from a route value (use string, int, long, Guid or a type with TryParse).");
            return c =>
            {
                var raw = c.Authorization.RouteValues[routeName];
                return parse(raw, out var value)
                    ? (true, value, null)
                    : (false, null, $"route parameter '{routeName}' is not a valid {Nullable.GetUnderlyingType(type)?.Name ?? type.Name}");
            };
        }

        // Anything else comes from DI, like minimal API handlers.
        return c => (true, c.Services.GetRequiredService(type), null);
    }

    private delegate bool Parser(string raw, out object? value);

    private static Parser? CreateParser(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return (string raw, out object? value) =>
            {
                value = raw;
                return true;
            };
        }

        var withProvider = target.GetMethod(
            "TryParse",
            BindingFlags.Public | BindingFlags.Static,
            [typeof(string), typeof(IFormatProvider), target.MakeByRefType()]);
        if (withProvider is not null && withProvider.ReturnType == typeof(bool))
        {
            return (string raw, out object? value) =>
            {
                var args = new object?[] { raw, CultureInfo.InvariantCulture, null };
                var ok = (bool)withProvider.Invoke(null, args)!;
                value = args[2];
                return ok;
            };
        }

        var plain = target.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), target.MakeByRefType()]);
        if (plain is not null && plain.ReturnType == typeof(bool))
        {
            return (string raw, out object? value) =>
            {
                var args = new object?[] { raw, null };
                var ok = (bool)plain.Invoke(null, args)!;
                value = args[1];
                return ok;
            };
        }

        return null;
    }

    private static Func<object?, ValueTask<object?>> CreateUnwrapper(Type returnType, ChannelKind kind, ChannelPattern pattern)
    {
        var resultType = returnType;
        var isTask = false;
        var isValueTask = false;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = returnType.GetGenericArguments()[0];
            isTask = true;
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            resultType = returnType.GetGenericArguments()[0];
            isValueTask = true;
        }

        var expected = kind == ChannelKind.Presence ? typeof(PresenceMember) : typeof(bool);
        if (resultType != expected)
        {
            throw new ArgumentException(kind == ChannelKind.Presence
                ? $"Presence route '{pattern}' must return PresenceMember? (or a Task/ValueTask of it): the member, or null to deny."
                : $"Route '{pattern}' must return bool (or a Task/ValueTask of bool).");
        }

        if (isTask)
        {
            var result = returnType.GetProperty("Result")!;
            return async value =>
            {
                var task = (Task)value!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            };
        }

        if (isValueTask)
        {
            var asTask = returnType.GetMethod("AsTask")!;
            var result = typeof(Task<>).MakeGenericType(resultType).GetProperty("Result")!;
            return async value =>
            {
                var task = (Task)asTask.Invoke(value, null)!;
                await task.ConfigureAwait(false);
                return result.GetValue(task);
            };
        }

        return value => ValueTask.FromResult(value);
    }

    internal readonly record struct BindingContext(
        ChannelAuthorizationContext Authorization,
        HubCallerContext Caller,
        IServiceProvider Services,
        CancellationToken CancellationToken);
}

/// <summary>A route parameter could not be converted: a denial, not a server error.</summary>
internal sealed class RouteBindingException(string message) : Exception(message);
