using Grpc.Core;

namespace Introspection.Client.Internal;

/// <summary>
/// Per-call credentials from a token source: each call (a stream included, once, when it starts) asks the source
/// and sends <c>authorization: Bearer &lt;token&gt;</c>. A stream keeps the token it started with; the registry
/// authenticates a stream when it opens, so a token rotated mid-stream does not break it, and the next call
/// carries the new one.
/// </summary>
internal static class BearerCallCredentials
{
    public const string HeaderName = "authorization";

    public static CallCredentials Create(IIntrospectionTokenSource source) =>
        CallCredentials.FromInterceptor(async (context, metadata) =>
        {
            IntrospectionToken token;
            try
            {
                token = await source.GetTokenAsync(context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not RpcException)
            {
                // Without a token the server would answer UNAUTHENTICATED anyway; say why here.
                throw new RpcException(new Status(StatusCode.Unauthenticated, $"No bearer token for the call: {ex.Message}", ex));
            }

            metadata.Add(HeaderName, "Bearer " + token.Value);
        });
}
