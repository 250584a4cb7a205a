using System.Net;
using System.Net.Sockets;

namespace Vouchers.Testing;

/// <summary>TCP ports on 127.0.0.1 for the silos, gateways and servers a test starts, so that tests run side by side.</summary>
public static class FreePort
{
    /// <summary>A port no one listens on right now (the caller binds it a moment later), other than the ones listed.</summary>
    public static int Next(params int[] besides)
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
}
