using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vouchers.Contracts;
using Vouchers.Gateway.Audit;
using Vouchers.Grains.Audit;
using Vouchers.Testing.Gateway;

namespace Vouchers.Gateway.Tests;

/// <summary>The zero-setup gateway whose audit store refuses every record, with its log captured.</summary>
public sealed class BrokenAuditStoreGatewayFactory : GatewayFactory
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Log { get; } = new();

    public int Attempts => store.Attempts;

    private readonly BrokenStore store = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IAuditStore>(store));
        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingProvider(Log)));
    }

    private sealed class BrokenStore : IAuditStore
    {
        private int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        public Task<AuditRecord> AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref attempts);
            throw new StorageUnavailableException("The audit table is locked.");
        }

        public Task<AuditPage> QueryAsync(string regionPrefix, AuditQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult(new AuditPage([], null));
    }

    private sealed class CapturingProvider(ConcurrentQueue<(LogLevel, string)> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(log);

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<(LogLevel, string)> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>A change whose audit record cannot be stored is not acknowledged, and its record is not lost silently.</summary>
public sealed class AuditFailureTests(BrokenAuditStoreGatewayFactory gateway) : IClassFixture<BrokenAuditStoreGatewayFactory>
{
    [Fact]
    public async Task WhenTheRecordCannotBeStoredTheChangeIsAnswered503AndTheRecordIsLoggedAsCritical()
    {
        var admin = gateway.ClientFor(Demo.AdminGuangdong);
        var created = await admin.PostJsonAsync("/api/v1/admin/batches", VoucherApi.NewBatch());
        var problem = await VoucherApi.ProblemAsync(created, HttpStatusCode.ServiceUnavailable);

        Assert.Equal("urn:vouchers:problem:audit-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(AuditRecorder.Attempts, gateway.Attempts);
        var critical = Assert.Single(gateway.Log, l => l.Level == LogLevel.Critical).Message;
        Assert.Contains("AUDIT RECORD NOT STORED", critical, StringComparison.Ordinal);
        Assert.Contains(AuditActions.BatchCreate, critical, StringComparison.Ordinal);
        Assert.Contains(Demo.AdminGuangdong, critical, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"draft\"", critical, StringComparison.Ordinal);
        // The change itself stands: the operator enters the logged record.
        var batches = await VoucherApi.ReadAsync<BatchSummary[]>(await admin.GetAsync("/api/v1/admin/batches"), HttpStatusCode.OK);
        Assert.Contains(batches, b => critical.Contains(b.Id, StringComparison.Ordinal));
    }
}
