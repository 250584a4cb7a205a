using System.Reflection;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>Where the tests find the repository and the built silo.</summary>
internal static class TestEnvironment
{
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
