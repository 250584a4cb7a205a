using System.Collections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vouchers.Domain;

namespace Vouchers.Silo.Logging;

/// <summary>
/// Masks voucher codes and resident ID numbers in everything the host logs, whoever wrote the line: our own messages
/// (which mask codes themselves), but also the framework's — ASP.NET Core logs request paths, and a code is part of
/// some paths; Orleans logs grain ids at Debug and Trace, and a voucher grain's id is its code. Every logger the
/// host's <see cref="ILoggerFactory"/> makes passes the message, each structured value, each scope and the exception
/// through <see cref="Masking.MaskSecretsInText"/> before any provider (console, OpenTelemetry, a test's) sees them.
/// Only lines that are written pay for it: a level that is off is refused before anything is formatted.
/// </summary>
public static class LogRedaction
{
    /// <summary>Makes the host's logger factory a masking one (used by the silo host and the gateway).</summary>
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        services.AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(new RedactedValues(state));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var masked = exception is null ? null : RedactedException.Of(exception);
            inner.Log(logLevel, eventId, new RedactedValues((object?)state ?? "", () => formatter(state, exception)), masked,
                static (values, _) => values.ToString());
        }
    }

    /// <summary>A log state or scope whose text and values are masked when a provider reads them, not before.</summary>
    private sealed class RedactedValues(object state, Func<string>? format = null) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private KeyValuePair<string, object?>[]? values;

        public int Count => Values.Length;

        public KeyValuePair<string, object?> this[int index] => Values[index];

        private KeyValuePair<string, object?>[] Values => values ??= Mask(state);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)Values).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Masking.MaskSecretsInText(format?.Invoke() ?? state.ToString() ?? "");

        private static KeyValuePair<string, object?>[] Mask(object state)
        {
            if (state is not IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                return [];
            }

            return [.. pairs.Select(p => new KeyValuePair<string, object?>(p.Key, MaskValue(p.Value)))];
        }

        private static object? MaskValue(object? value)
        {
            if (value is null || value.GetType().IsPrimitive || value is decimal or DateTimeOffset or DateTime or TimeSpan or Guid or Enum)
            {
                return value;
            }

            if (value is IEnumerable items and not string)
            {
                // As the message formatter writes a list: its items, comma-separated.
                return Masking.MaskSecretsInText(string.Join(", ", items.Cast<object?>()));
            }

            var text = value is IFormattable formattable ? formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : value.ToString();
            if (text is null)
            {
                return value;
            }

            var masked = Masking.MaskSecretsInText(text);
            return ReferenceEquals(masked, text) ? value : masked;
        }
    }

    /// <summary>An exception as text with codes and ID numbers masked; the original type is named in that text.</summary>
    private sealed class RedactedException : Exception
    {
        private readonly string text;

        private RedactedException(string text, string message)
            : base(message) => this.text = text;

        public static Exception Of(Exception exception)
        {
            var full = exception.ToString();
            var masked = Masking.MaskSecretsInText(full);
            return ReferenceEquals(masked, full) ? exception : new RedactedException(masked, Masking.MaskSecretsInText(exception.Message));
        }

        public override string ToString() => text;
    }
}
