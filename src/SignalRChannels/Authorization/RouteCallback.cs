using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using SignalRChannels.Subscriptions;

namespace SignalRChannels.Authorization;

/// <summary>
/// A route callback compiled once at registration: one binder per parameter (the user, the caller context, a
/// cancellation token, route parameters by name — string, int, long, Guid, anything with <c>TryParse</c> — and DI
/// services for the rest), a compiled invoker (no <c>DynamicInvoke</c>), and an awaiter for its result type.
/// Sync or async; returns bool (private/public) or a member (presence). A route value that does not parse is a
/// denial, reported as a value rather than an exception.
/// </summary>
internal sealed class RouteCallback
{
    private readonly Binder[] _binders;
    private readonly Func<object?[], object?> _invoke;
    private readonly Func<object?, ValueTask<object?>> _await;

    public RouteCallback(Delegate callback, ChannelKind kind, ChannelPattern pattern)
    {
        var parameters = callback.Method.GetParameters();
        _binders = parameters.Select(p => CreateBinder(p, pattern)).ToArray();
        _invoke = CompileInvoker(callback, parameters);
        _await = CreateAwaiter(callback.Method.ReturnType, kind, pattern);
    }

    /// <summary>Binds the arguments and runs the callback; exceptions it throws propagate as they are.</summary>
    public ValueTask<RouteCallbackOutcome> InvokeAsync(BindingContext context)
    {
        var arguments = new object?[_binders.Length];
        for (var i = 0; i < _binders.Length; i++)
        {
            if (!_binders[i](context, out arguments[i], out var error))
            {
                return ValueTask.FromResult(RouteCallbackOutcome.Unbound(error!));
            }
        }

        var returned = _await(_invoke(arguments));
        return returned.IsCompletedSuccessfully
            ? ValueTask.FromResult(RouteCallbackOutcome.Returned(returned.Result))
            : AwaitAsync(returned);

        static async ValueTask<RouteCallbackOutcome> AwaitAsync(ValueTask<object?> pending) =>
            RouteCallbackOutcome.Returned(await pending.ConfigureAwait(false));
    }

    private delegate bool Binder(in BindingContext context, out object? value, out string? error);

    private static Binder CreateBinder(ParameterInfo parameter, ChannelPattern pattern)
    {
        var type = parameter.ParameterType;
        if (type == typeof(ClaimsPrincipal))
        {
            return Always(c => c.Authorization.User);
        }

        if (type == typeof(HubCallerContext))
        {
            return (in BindingContext c, out object? value, out string? error) =>
            {
                value = c.Caller.Hub;
                error = value is null ? "the route asks for a HubCallerContext, and the subscription does not come from a hub" : null;
                return value is not null;
            };
        }

        if (type == typeof(ChannelAuthorizationContext))
        {
            return Always(c => c.Authorization);
        }

        if (type == typeof(ChannelName))
        {
            return Always(c => c.Authorization.Channel);
        }

        if (type == typeof(CancellationToken))
        {
            return Always(c => c.CancellationToken);
        }

        var routeName = pattern.ParameterNames.FirstOrDefault(n => string.Equals(n, parameter.Name, StringComparison.OrdinalIgnoreCase));
        if (routeName is not null)
        {
            var parse = CreateParser(type)
                ?? throw new ArgumentException(
                    $"Route '{pattern}': parameter '{parameter.Name}' has type {type.Name}, which cannot be parsed from a route value (use string, int, long, Guid or a type with TryParse).");
            var invalid = $"route parameter '{routeName}' is not a valid {Nullable.GetUnderlyingType(type)?.Name ?? type.Name}";
            return (in BindingContext c, out object? value, out string? error) =>
            {
                (var ok, value) = parse(c.Authorization.RouteValues[routeName]);
                error = ok ? null : invalid;
                return ok;
            };
        }

        // Anything else comes from DI, like minimal API handlers.
        return Always(c => c.Services.GetRequiredService(type));
    }

    private static Binder Always(Func<BindingContext, object?> bind) =>
        (in BindingContext c, out object? value, out string? error) =>
        {
            value = bind(c);
            error = null;
            return true;
        };

    /// <summary>Compiles <c>raw =&gt; T.TryParse(raw, [InvariantCulture,] out var v) ? (true, v) : (false, null)</c>.</summary>
    private static Func<string, (bool, object?)>? CreateParser(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return raw => (true, raw);
        }

        var raw = Expression.Parameter(typeof(string), "raw");
        var parsed = Expression.Variable(target, "parsed");
        var withProvider = target.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), target.MakeByRefType()]);
        var plain = target.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), target.MakeByRefType()]);
        Expression call;
        if (withProvider is not null && withProvider.ReturnType == typeof(bool))
        {
            call = Expression.Call(withProvider, raw, Expression.Constant(CultureInfo.InvariantCulture, typeof(IFormatProvider)), parsed);
        }
        else if (plain is not null && plain.ReturnType == typeof(bool))
        {
            call = Expression.Call(plain, raw, parsed);
        }
        else
        {
            return null;
        }

        var tuple = typeof((bool, object?)).GetConstructor([typeof(bool), typeof(object)])!;
        var body = Expression.Block(
            [parsed],
            Expression.Condition(
                call,
                Expression.New(tuple, Expression.Constant(true), Expression.Convert(parsed, typeof(object))),
                Expression.New(tuple, Expression.Constant(false), Expression.Constant(null))));
        return Expression.Lambda<Func<string, (bool, object?)>>(body, raw).Compile();
    }

    /// <summary>Compiles <c>args =&gt; (object)callback((T0)args[0], (T1)args[1], …)</c>.</summary>
    private static Func<object?[], object?> CompileInvoker(Delegate callback, ParameterInfo[] parameters)
    {
        var args = Expression.Parameter(typeof(object?[]), "args");
        var typed = parameters.Select((p, i) => Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression call = Expression.Invoke(Expression.Constant(callback), typed);
        call = callback.Method.ReturnType == typeof(void)
            ? Expression.Block(call, Expression.Constant(null))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object?[], object?>>(call, args).Compile();
    }

    private static Func<object?, ValueTask<object?>> CreateAwaiter(Type returnType, ChannelKind kind, ChannelPattern pattern)
    {
        var resultType = returnType;
        string? awaiter = null;
        if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>))
        {
            resultType = returnType.GetGenericArguments()[0];
            awaiter = nameof(AwaitTask);
        }
        else if (returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            resultType = returnType.GetGenericArguments()[0];
            awaiter = nameof(AwaitValueTask);
        }

        var expected = kind == ChannelKind.Presence ? typeof(PresenceMember) : typeof(bool);
        if (resultType != expected)
        {
            throw new ArgumentException(kind == ChannelKind.Presence
                ? $"Presence route '{pattern}' must return PresenceMember? (or a Task/ValueTask of it): the member, or null to deny."
                : $"Route '{pattern}' must return bool (or a Task/ValueTask of bool).");
        }

        return awaiter is null
            ? value => ValueTask.FromResult(value)
            : typeof(RouteCallback).GetMethod(awaiter, BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(resultType)
                .CreateDelegate<Func<object?, ValueTask<object?>>>();
    }

    private static async ValueTask<object?> AwaitTask<T>(object? task) => await ((Task<T>)task!).ConfigureAwait(false);

    private static async ValueTask<object?> AwaitValueTask<T>(object? task) => await ((ValueTask<T>)task!).ConfigureAwait(false);

    internal readonly record struct BindingContext(
        ChannelAuthorizationContext Authorization,
        ChannelCaller Caller,
        IServiceProvider Services,
        CancellationToken CancellationToken);
}

/// <summary>What running a route callback gave: its return value, or the reason its arguments could not be bound.</summary>
internal readonly record struct RouteCallbackOutcome(bool IsBound, object? Value, string? BindingError)
{
    public static RouteCallbackOutcome Returned(object? value) => new(true, value, null);

    public static RouteCallbackOutcome Unbound(string error) => new(false, null, error);
}
