using Grpc.Core;
using Introspection.Protocol.Registry.V1;
using Introspection.Registry.Internal;
using Introspection.Registry.Tests.Infrastructure;

namespace Introspection.Registry.Tests.Validation;

public sealed class RequestValidatorTests
{
    private readonly RequestValidator _validator = new(TestServices.Options(o =>
    {
        o.Limits.MaxLabels = 16;
        o.Limits.MaxLabelBytes = 1024;
        o.Limits.MaxLabelValueBytes = 256;
    }));

    [Theory]
    [InlineData("", "default")]
    [InlineData("prod", "prod")]
    [InlineData("a.b_c-D9", "a.b_c-D9")]
    public void Namespace_Valid_Canonical(string value, string expected) =>
        Assert.Equal(expected, RequestValidator.Namespace(value));

    [Theory]
    [InlineData("has space", "namespace")]
    [InlineData("colon:no", "namespace")]
    [InlineData("ünï", "namespace")]
    public void Namespace_BadCharset_InvalidArgumentNamingField(string value, string field) =>
        AssertStatus(StatusCode.InvalidArgument, field, () => RequestValidator.Namespace(value));

    [Fact]
    public void Namespace_TooLong_InvalidArgumentNamingLimit()
    {
        RequestValidator.Namespace(new string('n', 63));
        AssertStatus(StatusCode.InvalidArgument, "63", () => RequestValidator.Namespace(new string('n', 64)));
    }

    [Theory]
    [InlineData("orders")]
    [InlineData("a:b.c_d-e")]
    public void App_Valid_Accepted(string value) => RequestValidator.App("app", value);

    [Theory]
    [InlineData("")]
    [InlineData("or/ders")]
    [InlineData("or ders")]
    public void App_Invalid_InvalidArgument(string value) =>
        AssertStatus(StatusCode.InvalidArgument, "app", () => RequestValidator.App("app", value));

    [Fact]
    public void App_Over128Bytes_InvalidArgument()
    {
        RequestValidator.App("app", new string('a', 128));
        AssertStatus(StatusCode.InvalidArgument, "128", () => RequestValidator.App("app", new string('a', 129)));
    }

    [Fact]
    public void InstanceId_Over200Bytes_InvalidArgument()
    {
        RequestValidator.InstanceId("instance_id", new string('i', 200));
        AssertStatus(StatusCode.InvalidArgument, "200", () => RequestValidator.InstanceId("instance_id", new string('i', 201)));
    }

    [Theory]
    [InlineData("greet.Greeter", true)]
    [InlineData("a_b.C9", true)]
    [InlineData("greet/Greeter", false)]
    [InlineData("greet-Greeter", false)]
    [InlineData("", false)]
    public void Service_Charset_Checked(string value, bool valid)
    {
        if (valid)
        {
            RequestValidator.Service("service", value);
        }
        else
        {
            AssertStatus(StatusCode.InvalidArgument, "service", () => RequestValidator.Service("service", value));
        }
    }

    [Fact]
    public void Service_Over256Bytes_InvalidArgument()
    {
        RequestValidator.Service("service", new string('s', 256));
        AssertStatus(StatusCode.InvalidArgument, "256", () => RequestValidator.Service("service", new string('s', 257)));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("2001:db8::8a2e:370:7334")]
    [InlineData("localhost")]
    [InlineData("orders-1.svc.cluster.local")]
    [InlineData("a")]
    [InlineData("1a.example")]
    public void Host_Valid_Accepted(string host) => RequestValidator.Host("host", host);

    [Theory]
    [InlineData("")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("0:0::0")]
    [InlineData("[::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("1.2")]
    [InlineData("1.2.3")]
    [InlineData("256.1.1.1")]
    [InlineData("01.2.3.4")]
    [InlineData("-bad.example")]
    [InlineData("bad-.example")]
    [InlineData("under_score.example")]
    [InlineData("double..dot")]
    [InlineData("host:5000")]
    [InlineData("http://x")]
    public void Host_Invalid_InvalidArgument(string host) =>
        AssertStatus(StatusCode.InvalidArgument, "host", () => RequestValidator.Host("host", host));

    [Fact]
    public void Host_LabelOver63OrNameOver253_InvalidArgument()
    {
        RequestValidator.Host("host", new string('a', 63) + ".example");
        AssertStatus(StatusCode.InvalidArgument, "host", () => RequestValidator.Host("host", new string('a', 64) + ".example"));
        var name = string.Join('.', Enumerable.Repeat(new string('a', 50), 5));
        Assert.True(name.Length > 253);
        AssertStatus(StatusCode.InvalidArgument, "253", () => RequestValidator.Host("host", name));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(65535, true)]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(65536, false)]
    public void Port_Range_Checked(int port, bool valid)
    {
        if (valid)
        {
            RequestValidator.Port("port", port);
        }
        else
        {
            AssertStatus(StatusCode.InvalidArgument, "1..65535", () => RequestValidator.Port("port", port));
        }
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData(Instances.RevisionA, true)]
    [InlineData("", false)]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", false)]
    [InlineData("abc", false)]
    public void Revision_Shape_Checked(string revision, bool valid)
    {
        if (valid)
        {
            RequestValidator.Revision("revision", revision);
        }
        else
        {
            AssertStatus(StatusCode.InvalidArgument, "revision", () => RequestValidator.Revision("revision", revision));
        }
    }

    [Fact]
    public void LeaseTtl_Negative_InvalidArgument()
    {
        RequestValidator.LeaseTtl(0);
        AssertStatus(StatusCode.InvalidArgument, "ttl_ms", () => RequestValidator.LeaseTtl(-1));
    }

    [Fact]
    public void Labels_CountOverLimit_ResourceExhausted()
    {
        var instance = Instances.Create();
        instance.Labels.Clear();
        for (var i = 0; i < 16; i++)
        {
            instance.Labels.Add($"k{i}", "v");
        }

        _validator.Instance(instance);
        instance.Labels.Add("k16", "v");
        AssertStatus(StatusCode.ResourceExhausted, "16", () => _validator.Instance(instance));
    }

    [Fact]
    public void Labels_TotalBytesOverLimit_ResourceExhausted()
    {
        var instance = Instances.Create();
        instance.Labels.Clear();
        for (var i = 0; i < 6; i++)
        {
            instance.Labels.Add($"key{i}", new string('v', 200));
        }

        AssertStatus(StatusCode.ResourceExhausted, "1024", () => _validator.Instance(instance));
    }

    [Fact]
    public void Labels_ValueOverLimit_ResourceExhausted()
    {
        var instance = Instances.Create();
        instance.Labels.Add("big", new string('v', 257));
        AssertStatus(StatusCode.ResourceExhausted, "256", () => _validator.Instance(instance));
    }

    [Fact]
    public void Labels_ValueBytesCountedAsUtf8_ResourceExhausted()
    {
        var instance = Instances.Create();
        instance.Labels.Add("zone2", new string('é', 129));
        AssertStatus(StatusCode.ResourceExhausted, "256", () => _validator.Instance(instance));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad key")]
    [InlineData("bad:key")]
    public void Labels_BadKey_InvalidArgument(string key)
    {
        var instance = Instances.Create();
        instance.Labels.Add(key, "v");
        AssertStatus(StatusCode.InvalidArgument, "labels key", () => _validator.Instance(instance));
    }

    [Fact]
    public void Labels_KeyOver63Bytes_InvalidArgument()
    {
        var instance = Instances.Create();
        instance.Labels.Add(new string('k', 64), "v");
        AssertStatus(StatusCode.InvalidArgument, "63", () => _validator.Instance(instance));
    }

    [Fact]
    public void Instance_Missing_InvalidArgument() =>
        AssertStatus(StatusCode.InvalidArgument, "instance", () => _validator.Instance(null));

    [Fact]
    public void WatchApps_Over1024_ResourceExhausted()
    {
        var apps = new Google.Protobuf.Collections.RepeatedField<string>();
        apps.AddRange(Enumerable.Range(0, 1024).Select(i => $"app{i}"));
        RequestValidator.WatchApps(apps);
        apps.Add("one-more");
        AssertStatus(StatusCode.ResourceExhausted, "1024", () => RequestValidator.WatchApps(apps));
    }

    [Fact]
    public void Services_NoneOrOver1024_InvalidArgumentOrResourceExhausted()
    {
        var services = new Google.Protobuf.Collections.RepeatedField<string>();
        AssertStatus(StatusCode.InvalidArgument, "services", () => RequestValidator.Services(services));
        services.AddRange(Enumerable.Range(0, 1024).Select(i => $"s.S{i}"));
        RequestValidator.Services(services);
        services.Add("s.More");
        AssertStatus(StatusCode.ResourceExhausted, "1024", () => RequestValidator.Services(services));
    }

    [Fact]
    public void SinceRevision_Negative_InvalidArgument() =>
        AssertStatus(StatusCode.InvalidArgument, "since_revision", () => RequestValidator.SinceRevision(-5));

    private static void AssertStatus(StatusCode code, string mention, Action action)
    {
        var ex = Assert.Throws<RpcException>(action);
        Assert.Equal(code, ex.StatusCode);
        Assert.Contains(mention, ex.Status.Detail, StringComparison.Ordinal);
    }
}
