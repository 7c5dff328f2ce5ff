using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Services;
using Introspection.Registry.Tests.Infrastructure;
using Introspection.Registry.Tests.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace Introspection.Registry.Tests.Wire;

/// <summary>
/// Kestrel fails the request body with an IOException ("The client reset the request stream.") when a
/// client resets its stream, sometimes before the call's token is cancelled. KeepAlive must end quietly.
/// </summary>
public sealed class KeepAliveResetTests
{
    [Fact]
    public async Task KeepAlive_RequestStreamReset_EndsQuietlyAtDebug()
    {
        var logger = new FakeLogger<RegistryService>();
        var service = StoreUnavailableTests.NewService(new UnavailableStore(), new RenewalOutageLog(NullLogger<RenewalOutageLog>.Instance), logger);
        var responses = new RecordingStreamWriter<KeepAliveResponse>();

        // Before: the IOException escaped the handler and grpc-dotnet logged it as a failure with its stack trace.
        await service.KeepAlive(new ResetStreamReader(), new StoreUnavailableTests.ServerStreamWriterAdapter<KeepAliveResponse>(responses), new TestServerCallContext("/KeepAlive")).WaitAsync(TestTimeouts.Long);

        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(106, record.Id.Id);
        Assert.Equal(LogLevel.Debug, record.Level);
        Assert.Null(record.Exception);
        Assert.Empty(responses.Messages);
    }

    private sealed class ResetStreamReader : IAsyncStreamReader<KeepAliveRequest>
    {
        public KeepAliveRequest Current => throw new InvalidOperationException("No message.");

        public Task<bool> MoveNext(CancellationToken cancellationToken) =>
            Task.FromException<bool>(new IOException("The client reset the request stream."));
    }
}
