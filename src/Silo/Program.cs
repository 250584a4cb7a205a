using Vouchers.Silo.Hosting;
using Vouchers.Silo.Logging;
using Vouchers.Silo.Persistence;

// `dotnet run --project src/Silo`            runs a cluster silo (PostgreSQL clustering, storage, reminders)
// `dotnet run --project src/Silo -- migrate` applies the schema migrations and exits
var builder = Host.CreateApplicationBuilder(args.Where(a => a != "migrate").ToArray());
builder.Services.AddLogRedaction();
var connectionString = builder.Configuration.GetConnectionString(VoucherClusterOptions.ConnectionStringName);
if (string.IsNullOrWhiteSpace(connectionString))
{
    Console.Error.WriteLine("The silo runs in cluster mode and needs ConnectionStrings__Vouchers (a PostgreSQL connection string).");
    Console.Error.WriteLine("For a zero-setup engine run the gateway instead: dotnet run --project src/Gateway");
    return 2;
}

var options = builder.Configuration.GetSection(VoucherClusterOptions.Section).Get<VoucherClusterOptions>() ?? new VoucherClusterOptions();
if (args.Contains("migrate") || options.MigrateOnStart)
{
    using var loggerFactory = LoggerFactory.Create(l => l.AddSimpleConsole(c => c.SingleLine = true));
    var applied = await new SchemaMigrator(connectionString, loggerFactory.CreateLogger<SchemaMigrator>()).MigrateAsync();
    Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied migrations: {string.Join(", ", applied)}");
    if (args.Contains("migrate"))
    {
        return 0;
    }
}

builder.UseOrleans(silo => silo.AddVoucherSilo(builder.Configuration));
await builder.Build().RunAsync();
return 0;
