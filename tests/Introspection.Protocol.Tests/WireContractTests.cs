namespace Introspection.Protocol.Tests;

/// <summary>The name and size rules of registry.proto, as <see cref="WireContract"/> states them.</summary>
public sealed class WireContractTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("prod")]
    [InlineData("team-a.eu_1")]
    public void TryValidateNamespace_EmptyOrCharset_Valid(string? value)
    {
        Assert.True(WireContract.TryValidateNamespace("namespace", value, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("a:b", "outside [A-Za-z0-9._-]")]
    [InlineData("a b", "outside")]
    public void TryValidateNamespace_BadCharacter_NamesFieldAndCharset(string value, string expected)
    {
        Assert.False(WireContract.TryValidateNamespace("namespace", value, out var error));
        Assert.StartsWith("namespace '", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidateNamespace_OverLimit_NamesLimit()
    {
        Assert.True(WireContract.TryValidateNamespace("namespace", new string('n', WireContract.MaxNamespaceBytes), out _));

        Assert.False(WireContract.TryValidateNamespace("namespace", new string('n', WireContract.MaxNamespaceBytes + 1), out var error));
        Assert.Equal("namespace is 64 bytes long; at most 63 are allowed.", error);
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void TryValidateApp_Length_LimitIs128(int length, bool valid)
    {
        Assert.Equal(valid, WireContract.TryValidateApp("instance.app", new string('a', length), out var error));
        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void TryValidateApp_Empty_RequiredWithLimitAndCharset()
    {
        Assert.False(WireContract.TryValidateApp("instance.app", "", out var error));
        Assert.Equal("instance.app is required (1..128 bytes of [A-Za-z0-9._:-]).", error);
    }

    [Theory]
    [InlineData("orders:v2", true)]
    [InlineData("orders/v2", false)]
    public void TryValidateApp_Colon_AllowedSlashNot(string value, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateApp("app", value, out _));

    [Theory]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void TryValidateInstanceId_Length_LimitIs200(int length, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateInstanceId("instance.instance_id", new string('i', length), out _));

    [Theory]
    [InlineData("greet.Greeter", true)]
    [InlineData("my_pkg.v1.Orders", true)]
    [InlineData("greet/Greeter", false)]
    [InlineData("greet-Greeter", false)]
    [InlineData("", false)]
    public void TryValidateService_Charset(string value, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateService("services", value, out _));

    [Fact]
    public void TryValidateService_Over256_NamesLimit()
    {
        Assert.True(WireContract.TryValidateService("services", new string('s', 256), out _));
        Assert.False(WireContract.TryValidateService("services", new string('s', 257), out var error));
        Assert.Contains("at most 256", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zone", true)]
    [InlineData("topology.kubernetes.io/zone", true)]
    [InlineData("a:b", false)]
    public void TryValidateLabelKey_Charset(string value, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateLabelKey("labels key", value, out _));

    [Fact]
    public void TryValidateLabelKey_Over63_NamesLimit()
    {
        Assert.False(WireContract.TryValidateLabelKey("labels key", new string('k', 64), out var error));
        Assert.Contains("63", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("orders-1.svc.cluster.local", true)]
    [InlineData("localhost", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("1.2", false)]
    [InlineData("010.1.1.1", false)]
    [InlineData("256.1.1.1", false)]
    [InlineData("[::1]", false)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("-bad.example", false)]
    [InlineData("under_score.example", false)]
    [InlineData("a..b", false)]
    [InlineData("", false)]
    public void TryValidateHost_LiteralsAndDnsNames(string value, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateHost("instance.host", value, out _));

    [Fact]
    public void TryValidateHost_Wildcard_SaysWhy()
    {
        Assert.False(WireContract.TryValidateHost("instance.host", "0.0.0.0", out var error));
        Assert.Contains("wildcard", error, StringComparison.Ordinal);
        Assert.StartsWith("instance.host", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryValidateHost_Over253_NamesLimit()
    {
        var host = string.Join('.', Enumerable.Repeat(new string('h', 50), 6));
        Assert.False(WireContract.TryValidateHost("instance.host", host, out var error));
        Assert.Equal("instance.host is longer than 253 bytes.", error);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(65535, true)]
    [InlineData(65536, false)]
    public void TryValidatePort_Range(int port, bool valid)
    {
        Assert.Equal(valid, WireContract.TryValidatePort("instance.port", port, out var error));
        if (!valid)
        {
            Assert.Equal($"instance.port must be in 1..65535, got {port}.", error);
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData("ABC", false)]
    public void TryValidateRevision_ZeroOrHex(string value, bool valid) =>
        Assert.Equal(valid, WireContract.TryValidateRevision("instance.revision", value, out _));

    [Fact]
    public void TryValidateRevision_Computed_Valid()
    {
        var revision = MetadataRevision.Compute(new Metadata.V1.MetadataInfo { App = "orders", Services = { new Metadata.V1.ServiceInfo { Name = "greet.Greeter" } } });

        Assert.True(WireContract.TryValidateRevision("instance.revision", revision, out _));
        Assert.False(WireContract.TryValidateRevision("instance.revision", revision.ToUpperInvariant(), out var error));
        Assert.Contains("64 lowercase hex", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateApp_Invalid_ThrowsArgumentExceptionNamingField()
    {
        var ex = Assert.Throws<ArgumentException>(() => WireContract.ValidateApp("Introspection:Provider:App", "bad app"));

        Assert.Equal("Introspection:Provider:App", ex.ParamName);
        Assert.Contains("[A-Za-z0-9._:-]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateHostAndPort_Valid_DoNotThrow()
    {
        WireContract.ValidateHost("host", "10.1.2.3");
        WireContract.ValidatePort("port", 5300);
        WireContract.ValidateNamespace("namespace", "");
    }

    [Fact]
    public void RegistryDefaults_AreTheOnesRegistryProtoDocuments()
    {
        // registry.proto, Instance.labels: "defaults 16 labels and 1024 bytes of keys+values".
        Assert.Equal(16, WireContract.DefaultMaxLabels);
        Assert.Equal(1024, WireContract.DefaultMaxLabelBytes);
        Assert.Equal(1024, WireContract.MaxWatchApps);
        Assert.Equal(1024, WireContract.MaxServicesPerRequest);
    }
}
