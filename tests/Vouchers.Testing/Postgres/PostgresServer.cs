using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Vouchers.Testing.Postgres;

/// <summary>
/// A PostgreSQL server of the test's own (a fresh cluster in a temp directory, production durability settings), so
/// that a test can crash the database itself: <see cref="KillAsync"/> sends SIGKILL to the postmaster's whole process
/// group at once, as a power cut would end the server, and <see cref="StartAsync"/> brings it back on the same data
/// directory and port through crash recovery. Uses the binaries scripts/test.sh uses (VOUCHERS_PG_BIN).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly string directory;
    private int? postmaster;

    private PostgresServer(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Password=postgres;Pooling=true;Maximum Pool Size=100";

    private static string Bin => Environment.GetEnvironmentVariable("VOUCHERS_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";

    private static bool IsRoot => Environment.UserName == "root";

    private string Data => Path.Combine(directory, "data");

    private string Log => Path.Combine(directory, "postgres.log");

    public static async Task<PostgresServer> CreateAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL binaries are not at {Bin}; scripts/test.sh installs them.");
        }

        var directory = Directory.CreateTempSubdirectory("vouchers-pg-crash.").FullName;
        var server = new PostgresServer(directory, FreePort.Next());
        try
        {
            if (IsRoot)
            {
                await RunAsync("chown", "postgres:postgres", directory);
            }

            await server.AsOwnerAsync(Path.Combine(Bin, "initdb"), "-D", server.Data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8");
            await File.AppendAllTextAsync(Path.Combine(server.Data, "postgresql.conf"), string.Join('\n',
                "",
                "listen_addresses = '127.0.0.1'",
                $"port = {server.Port}",
                $"unix_socket_directories = '{directory}'",
                "max_connections = 200",
                "fsync = on",
                "synchronous_commit = on",
                "full_page_writes = on",
                "log_min_messages = warning",
                ""));
            await server.StartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-l", Log, "-w", "-t", "60", "start");
        // pg_ctl makes the postmaster a process-group leader; its pid heads postmaster.pid.
        var pid = (await File.ReadAllLinesAsync(Path.Combine(Data, "postmaster.pid")))[0];
        postmaster = int.Parse(pid, CultureInfo.InvariantCulture);
        // Connections this process pooled before a crash are dead; drop them rather than fail on first use.
        Npgsql.NpgsqlConnection.ClearAllPools();
        await Poll.UntilAsync(AcceptsAsync, Timeout, () => $"PostgreSQL on port {Port} to accept connections. Log:\n{LogTail()}");
    }

    /// <summary>SIGKILL to the postmaster and every backend at once; returns when none of them is left.</summary>
    public async Task KillAsync()
    {
        var group = postmaster ?? throw new InvalidOperationException("The server is not running.");
        postmaster = null;
        await RunAsync("kill", "-KILL", "--", $"-{group}");
        await Poll.UntilAsync(() => Task.FromResult(!LivingMembersOf(group).Any()),
            Timeout, () => $"SIGKILL to end group {group} (still living: {string.Join(", ", LivingMembersOf(group))})");
    }

    /// <summary>Processes of a process group that are not zombies (a zombie still answers kill -0).</summary>
    private static IEnumerable<int> LivingMembersOf(int group)
    {
        foreach (var stat in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)).Select(d => Path.Combine(d, "stat")))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue; // the process ended while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid pgrp ...; comm may hold spaces, so read after its closing parenthesis.
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && int.Parse(fields[2], CultureInfo.InvariantCulture) == group)
            {
                yield return int.Parse(text[..text.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }
    }

    public string LogTail() => File.Exists(Log) ? string.Join('\n', File.ReadLines(Log).TakeLast(40)) : "(no log)";

    public async ValueTask DisposeAsync()
    {
        if (postmaster is not null)
        {
            await AsOwnerAsync(Path.Combine(Bin, "pg_ctl"), "-D", Data, "-m", "immediate", "-w", "stop");
        }

        Directory.Delete(directory, recursive: true);
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return await RunAsync(Path.Combine(Bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture)], check: false) == 0;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>PostgreSQL refuses to run as root, so the server's own commands run as "postgres" when we are root.</summary>
    private Task AsOwnerAsync(string command, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", command, .. arguments]) : RunAsync(command, arguments);

    private static Task RunAsync(string command, params string[] arguments) => RunAsync(command, arguments, check: true);

    private static async Task<int> RunAsync(string command, string[] arguments, bool check)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.Append(await stdout).Append(await stderr);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }

        return process.ExitCode;
    }
}
