using System.Diagnostics;
using System.Text;

namespace Vouchers.Integration.Tests.Infrastructure;

/// <summary>Where one silo of a test cluster finds its database and how it is reached.</summary>
internal sealed record SiloSettings(string ConnectionString, string ClusterId, string ServiceId, int SiloPort, int GatewayPort);

/// <summary>
/// <c>dotnet Vouchers.Silo.dll</c> as a child process of the test, configured through the environment as in
/// production. Its stdout and stderr are kept so a failing assertion can show them.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private const int MaxOutputChars = 200_000;

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly Lock gate = new();

    private SiloProcess(Process process, string name)
    {
        this.process = process;
        Name = name;
    }

    public string Name { get; }

    public bool HasExited => process.HasExited;

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public string Output
    {
        get
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    public static SiloProcess Start(SiloSettings settings, string name, params string[] arguments)
    {
        var silo = TestEnvironment.SiloAssemblyPath;
        var info = new ProcessStartInfo(TestEnvironment.DotnetHost)
        {
            WorkingDirectory = Path.GetDirectoryName(silo)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(silo);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Vouchers"] = settings.ConnectionString;
        info.Environment["Orleans__ClusterId"] = settings.ClusterId;
        info.Environment["Orleans__ServiceId"] = settings.ServiceId;
        info.Environment["Orleans__SiloPort"] = settings.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Orleans__GatewayPort"] = settings.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Logging__Console__FormatterName"] = "simple";

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var result = new SiloProcess(process, name);
        process.OutputDataReceived += (_, e) => result.Append(e.Data);
        process.ErrorDataReceived += (_, e) => result.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{TestEnvironment.DotnetHost} {silo} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    /// <summary>Ends the process the hard way (SIGKILL on Linux, like kill -9) with every child it has.</summary>
    public void Kill()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"Silo {Name} (pid {process.Id}) did not exit after SIGKILL.");
        }

        // Drains the redirected streams so the output is complete.
        process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Silo {Name} did not exit within {timeout.TotalSeconds:0}s. Output:{Environment.NewLine}{Output}");
        }

        return process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // The process was never started or is gone already.
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            if (output.Length > MaxOutputChars)
            {
                output.Remove(0, output.Length - (MaxOutputChars / 2));
            }

            output.AppendLine(line);
        }
    }
}
