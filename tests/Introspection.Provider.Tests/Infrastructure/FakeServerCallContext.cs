using Grpc.Core;

namespace Introspection.Provider.Tests.Infrastructure;

/// <summary>The smallest ServerCallContext: for calling a gRPC service method directly.</summary>
internal sealed class FakeServerCallContext : ServerCallContext
{
    protected override string MethodCore => "/introspection.metadata.v1.MetadataService/GetMetadataInfo";
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Grpc.Core.Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => CancellationToken.None;
    protected override Grpc.Core.Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore => new(null, []);
    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();
    protected override Task WriteResponseHeadersAsyncCore(Grpc.Core.Metadata responseHeaders) => Task.CompletedTask;
}
