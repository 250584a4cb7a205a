using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>Where the tests find the PostgreSQL server and the built silo.</summary>
internal static class TestEnvironment
{
    public const string ConnectionVariable = "VOUCHERS_PG_CONNECTION";

    /// <summary>
    /// The server that scripts/test.sh starts. Missing means the tests were started some other way:
    /// that is a failure with instructions, never a silent skip and never a stand-in database.
    /// </summary>
    public static string ServerConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(ConnectionVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{ConnectionVariable} is not set. The integration tests run against the real PostgreSQL server that " +
                    "scripts/test.sh starts: run `bash scripts/test.sh` from the repository root (or source scripts/lib/postgres.sh, " +
                    "call pg_start and export its VOUCHERS_PG_CONNECTION before `dotnet test`).");
            }

            return value;
        }
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The silo built with the same configuration (Release/Debug) and framework as this test assembly.</summary>
    public static string SiloAssemblyPath
    {
        get
        {
            var configuration = typeof(TestEnvironment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
            var path = Path.Combine(RepositoryRoot, "src", "Silo", "bin", configuration, framework, "Vouchers.Silo.dll");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The silo is not built at {path}; build the solution with -c {configuration} first (scripts/test.sh does).");
            }

            return path;
        }
    }

    /// <summary>The dotnet host that runs this test process (set by dotnet test), else the one on PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>A TCP port on which nothing listens right now, different from the ones listed.</summary>
    public static int FreePort(params int[] besides)
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (!besides.Contains(port))
            {
                return port;
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Vouchers.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Vouchers.slnx above {AppContext.BaseDirectory}.");
    }
}
