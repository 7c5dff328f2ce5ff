using Grpc.Core;
using Introspection.Client.Internal;
using Introspection.Protocol;

namespace Introspection.Client.Tests.Security;

/// <summary>A gRPC channel dials all its addresses with one scheme: the resolver gives it only the instances that match.</summary>
public sealed class SchemeResolutionTests
{
    [Fact]
    public void ToResult_MixedSchemes_HttpsChannelGetsOnlyHttpsInstances()
    {
        var resolution = Resolution(Endpoint("tls", 5001, WireContract.SchemeHttps), Endpoint("plain", 5002, null), Endpoint("explicit-plain", 5003, WireContract.SchemeHttp));

        var result = IntrospectionResolver.ToResult(resolution, roundRobin: true, WireContract.SchemeHttps, unlabeledIsHttps: false, out var skipped);

        var address = Assert.Single(result.Addresses!);
        Assert.Equal(5001, address.EndPoint.Port);
        Assert.Equal(2, skipped);
    }

    [Fact]
    public void ToResult_OnlyOtherScheme_FailsSayingWhy()
    {
        var resolution = Resolution(Endpoint("tls", 5001, WireContract.SchemeHttps));

        var result = IntrospectionResolver.ToResult(resolution, roundRobin: true, WireContract.SchemeHttp, unlabeledIsHttps: false, out _);

        Assert.Equal(StatusCode.Unavailable, result.Status.StatusCode);
        Assert.Contains("serve https but this channel dials http", result.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("ProviderChannel:Scheme", result.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ToResult_LegacyUseTls_UnlabeledInstancesCountAsHttps()
    {
        var resolution = Resolution(Endpoint("old", 5001, null));

        var result = IntrospectionResolver.ToResult(resolution, roundRobin: true, WireContract.SchemeHttps, unlabeledIsHttps: true, out var skipped);

        Assert.Single(result.Addresses!);
        Assert.Equal(0, skipped);
    }

    private static InstanceEndpoint Endpoint(string id, int port, string? scheme) =>
        new("127.0.0.1", port, "greeter", id, new string('a', 64), scheme is null ? null : new Dictionary<string, string> { [WireContract.SchemeLabel] = scheme });

    private static ServiceResolution Resolution(params InstanceEndpoint[] endpoints) =>
        new(new ServiceTarget("greet.Greeter"), endpoints, Status.DefaultSuccess);
}
