using System.Net.Http;

namespace Introspection.Client.Internal;

/// <summary>
/// Reports a connection to a provider that died under a call before any response (an HTTP/2 keep-alive ping that
/// went unanswered: PROTOCOL_ERROR) as the connection loss it is: an
/// <see cref="IOException"/>, which grpc-dotnet maps to UNAVAILABLE, instead of the HTTP/2 protocol error it maps
/// to INTERNAL. The default retry policy then moves the call to another instance, as it does for a connection
/// reset; grpc-core reports a keep-alive timeout as UNAVAILABLE too. The instance is reported to the client, which
/// stops routing to it for a while (<see cref="View.DiscoveryView.SuspendEndpoint"/>).
/// </summary>
/// <remarks>
/// Only failures of <c>SendAsync</c> itself are rewritten: no response header was received, so the call is not
/// committed and gRPC may retry it. A failure after the headers (while reading the body) is left as it is.
/// </remarks>
internal sealed class ProviderConnectionLossHandler(Action<string, int>? unresponsive) : DelegatingHandler
{
    private const long ProtocolErrorCode = 0x1;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (IsConnectionProtocolError(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The balancer put the picked instance's address in the URI. A TCP connect to a stopped process still
            // succeeds (the kernel accepts into its backlog), so without this report the subchannel would reconnect
            // and the retry could land on the same instance again.
            if (request.RequestUri is { } uri)
            {
                unresponsive?.Invoke(uri.Host, uri.Port);
            }

            // The original exception is kept out of the chain on purpose: grpc-dotnet would find its protocol error
            // code and answer INTERNAL again. Its message travels in ours.
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"The connection to the provider was lost: {ex.Message}", new IOException(ex.Message));
        }
    }

    /// <summary>
    /// PROTOCOL_ERROR (0x1) is what SocketsHttpHandler raises when a keep-alive ping goes unanswered. Other codes are
    /// a server's deliberate answer to one stream (REFUSED_STREAM is already UNAVAILABLE, CANCEL is CANCELLED,
    /// ENHANCE_YOUR_CALM is RESOURCE_EXHAUSTED) and keep grpc-dotnet's mapping.
    /// </summary>
    private static bool IsConnectionProtocolError(HttpRequestException exception)
    {
        if (exception.HttpRequestError != HttpRequestError.HttpProtocolError)
        {
            return false;
        }

        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpProtocolException { ErrorCode: ProtocolErrorCode })
            {
                return true;
            }
        }

        return false;
    }
}
