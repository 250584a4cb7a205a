using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Vouchers.Testing.Logging;

/// <summary>
/// A logger provider that keeps every line a host writes, at every level it is given: the message as formatted, each
/// structured value, the scopes around it and the exception, so a test can search everything a log sink could see.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLine> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLine> Lines => lines;

    /// <summary>Every line as one text: category, level, message, values, scopes and exception.</summary>
    public string Text => string.Join(Environment.NewLine, lines.Select(l => l.ToString()));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new StringBuilder();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    values.Append(CultureInfo.InvariantCulture, $" {key}={value}");
                }
            }

            owner.scopes.ForEachScope((scope, text) =>
            {
                text.Append(CultureInfo.InvariantCulture, $" scope[{scope}]");
                if (scope is IEnumerable<KeyValuePair<string, object?>> scopePairs)
                {
                    foreach (var (key, value) in scopePairs)
                    {
                        text.Append(CultureInfo.InvariantCulture, $" {key}={value}");
                    }
                }
            }, values);
            owner.lines.Enqueue(new CapturedLine(category, logLevel, formatter(state, exception), values.ToString(), exception?.ToString()));
        }
    }
}

public sealed record CapturedLine(string Category, LogLevel Level, string Message, string Values, string? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message} |{Values}{(Exception is null ? "" : " | " + Exception)}";
}
