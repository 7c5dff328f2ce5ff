using Grpc.Core;

namespace Introspection.Client.Tests.Resolution;

public class IntrospectionErrorsTests
{
    private static readonly ServiceTarget s_target = new("greet.Greeter", version: "2");

    [Fact]
    public void GetKind_ExceptionTheClientThrew_ReadsTheTrailer()
    {
        var notDiscovered = IntrospectionErrors.ToException(new ServiceResolution(s_target, [], IntrospectionErrors.ServiceNotDiscovered(s_target, "test"), IntrospectionErrorKind.ServiceNotDiscovered));
        var noInstances = IntrospectionErrors.ToException(new ServiceResolution(s_target, [], IntrospectionErrors.NoInstances(s_target, "test"), IntrospectionErrorKind.NoInstances));

        Assert.Equal(IntrospectionErrorKind.ServiceNotDiscovered, IntrospectionErrors.GetKind(notDiscovered));
        Assert.Equal("service-not-discovered", notDiscovered.Trailers.GetValue(IntrospectionErrors.ErrorTrailer));
        Assert.Equal(IntrospectionErrorKind.NoInstances, IntrospectionErrors.GetKind(noInstances));
        Assert.Equal("no-instances", noInstances.Trailers.GetValue(IntrospectionErrors.ErrorTrailer));
        Assert.Equal(StatusCode.Unavailable, noInstances.StatusCode);
    }

    [Fact]
    public void GetKind_CallFailedByTheChannel_ReadsTheStatusTheResolverReported()
    {
        // What a call through an introspect:/// channel throws: the resolver's status, no trailers.
        var ex = new RpcException(IntrospectionErrors.NoInstances(s_target, "test"));

        Assert.True(IntrospectionErrors.TryGetKind(ex, out var kind));
        Assert.Equal(IntrospectionErrorKind.NoInstances, kind);
    }

    [Fact]
    public void GetKind_UnavailableAnsweredByAProvider_IsNone()
    {
        var ex = new RpcException(new Status(StatusCode.Unavailable, "the provider is shutting down"));

        Assert.False(IntrospectionErrors.TryGetKind(ex, out var kind));
        Assert.Equal(IntrospectionErrorKind.None, kind);
        Assert.False(IntrospectionErrors.IsServiceNotDiscovered(ex));
    }

    [Fact]
    public void GetKind_OtherStatusCodeWithAClientLikeDetail_IsNone()
    {
        var status = new Status(StatusCode.Internal, IntrospectionErrors.ServiceNotDiscoveredPrefix + "x");

        Assert.Equal(IntrospectionErrorKind.None, IntrospectionErrors.GetKind(status));
    }
}
