using Introspection.Protocol.Metadata.V1;

namespace Introspection.Protocol.Tests.Revision;

public sealed class MetadataRevisionTests
{
    private static ServiceInfo Service(string name, string group = "", string version = "1.0", int port = 0, string protocol = "", params string[] methods)
    {
        var service = new ServiceInfo { Name = name, Group = group, Version = version, Port = port, Protocol = protocol };
        service.Methods.Add(methods);
        return service;
    }

    private static MetadataInfo Info(params ServiceInfo[] services)
    {
        var info = new MetadataInfo { App = "orders" };
        info.Services.Add(services);
        return info;
    }

    private static MetadataInfo Baseline()
    {
        var a = Service("shop.Orders", "blue", "2.0", 0, "", "Create", "Get", "List", "Cancel");
        a.Params.Add("timeout", "3000");
        a.Params.Add("serialization", "protobuf");
        a.Params.Add("weight", "100");
        var b = Service("shop.Payments", "", "1.0", 7000, "grpc", "Pay", "Refund");
        b.Params.Add("retries", "2");
        var c = Service("shop.Orders", "green", "2.0", 0, "", "Create");
        return Info(a, b, c);
    }

    [Fact]
    public void Compute_NoServices_ReturnsEmpty()
    {
        Assert.Equal("0", MetadataRevision.Compute(new MetadataInfo { App = "orders" }));
        Assert.Equal(MetadataRevision.Empty, MetadataRevision.Compute(new MetadataInfo()));
    }

    [Fact]
    public void Compute_NoServicesAndInvalidApp_ReturnsEmptyWithoutValidating()
    {
        Assert.Equal(MetadataRevision.Empty, MetadataRevision.Compute(new MetadataInfo { App = "\uD800" }));
    }

    [Fact]
    public void Compute_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => MetadataRevision.Compute(null!));
    }

    [Fact]
    public void Compute_AnyServices_Returns64LowercaseHex()
    {
        var revision = MetadataRevision.Compute(Baseline());

        Assert.Equal(MetadataRevision.HexLength, revision.Length);
        Assert.Matches("^[0-9a-f]{64}$", revision);
    }

    [Fact]
    public void Compute_RevisionFieldSet_IsIgnored()
    {
        var info = Baseline();
        var expected = MetadataRevision.Compute(info);
        info.Revision = "something else";

        Assert.Equal(expected, MetadataRevision.Compute(info));
    }

    [Fact]
    public void Compute_ServicesInAnyOrder_SameRevision()
    {
        var expected = MetadataRevision.Compute(Baseline());
        var random = new Random(1234);
        for (var round = 0; round < 20; round++)
        {
            var info = Baseline();
            var shuffled = info.Services.OrderBy(_ => random.Next()).ToList();
            info.Services.Clear();
            info.Services.Add(shuffled);

            Assert.Equal(expected, MetadataRevision.Compute(info));
        }

        var reversed = Baseline();
        var services = reversed.Services.Reverse().ToList();
        reversed.Services.Clear();
        reversed.Services.Add(services);
        Assert.Equal(expected, MetadataRevision.Compute(reversed));
    }

    [Fact]
    public void Compute_MethodsInAnyOrder_SameRevision()
    {
        var expected = MetadataRevision.Compute(Baseline());
        var random = new Random(99);
        for (var round = 0; round < 20; round++)
        {
            var info = Baseline();
            foreach (var service in info.Services)
            {
                var methods = service.Methods.OrderBy(_ => random.Next()).ToList();
                service.Methods.Clear();
                service.Methods.Add(methods);
            }

            Assert.Equal(expected, MetadataRevision.Compute(info));
        }
    }

    [Fact]
    public void Compute_ParamsInAnyInsertionOrder_SameRevision()
    {
        var expected = MetadataRevision.Compute(Baseline());
        var info = Baseline();
        var orders = info.Services[0];
        var pairs = orders.Params.Reverse().ToList();
        orders.Params.Clear();
        foreach (var (key, value) in pairs)
        {
            orders.Params.Add(key, value);
        }

        Assert.Equal("weight", orders.Params.First().Key);
        Assert.Equal(expected, MetadataRevision.Compute(info));
    }

    [Fact]
    public void Compute_DuplicateMethods_SameAsDistinct()
    {
        var expected = MetadataRevision.Compute(Baseline());
        var info = Baseline();
        info.Services[0].Methods.Add(["Get", "Create", "Get"]);

        Assert.Equal(expected, MetadataRevision.Compute(info));
    }

    [Fact]
    public void Compute_DuplicateServices_SameAsDistinct()
    {
        var expected = MetadataRevision.Compute(Baseline());
        var info = Baseline();
        info.Services.Add(Baseline().Services);

        Assert.Equal(expected, MetadataRevision.Compute(info));
    }

    [Theory]
    [InlineData("pid", "4242")]
    [InlineData("PID", "4242")]
    [InlineData("timestamp", "1764043200000")]
    [InlineData("Timestamp", "1764043200000")]
    [InlineData("TIMESTAMP", "1764043200000")]
    [InlineData("tImEsTaMp", "1764043200000")]
    [InlineData("start-time", "04:00")]
    [InlineData("Start_Time", "04:00")]
    [InlineData("START.TIME", "04:00")]
    [InlineData("StartTime", "04:00")]
    [InlineData("uptime", "12s")]
    [InlineData("Host", "10.0.0.7")]
    [InlineData("hostname", "node-7")]
    [InlineData("IP", "10.0.0.7")]
    [InlineData("instance-id", "i-1")]
    [InlineData("Instance_Id", "i-1")]
    [InlineData("instance.ID", "i-1")]
    [InlineData("volatile.boot-id", "0b7f")]
    [InlineData("Volatile.Deployed-At", "now")]
    [InlineData("VOLATILE.", "")]
    public void Compute_VolatileParamAdded_SameRevision(string key, string value)
    {
        var expected = MetadataRevision.Compute(Baseline());
        var info = Baseline();
        info.Services[0].Params.Add(key, value);
        info.Services[1].Params.Add(key, value + "-other-instance");

        Assert.True(MetadataRevision.IsVolatileKey(key));
        Assert.Equal(expected, MetadataRevision.Compute(info));
    }

    [Fact]
    public void Compute_VolatileParamValueChanges_SameRevision()
    {
        var first = Baseline();
        first.Services[0].Params.Add("pid", "1");
        first.Services[0].Params.Add("Timestamp", "1");
        var second = Baseline();
        second.Services[0].Params.Add("pid", "2");
        second.Services[0].Params.Add("Timestamp", "2");

        Assert.Equal(MetadataRevision.Compute(first), MetadataRevision.Compute(second));
    }

    [Theory]
    [InlineData("\u017Ftarttime")] // LATIN SMALL LETTER LONG S: Go's EqualFold would fold it to 's'
    [InlineData("p\u0131d")] // DOTLESS I: Java's equalsIgnoreCase matches "pid"
    [InlineData("\uFF50\uFF49\uFF44")] // fullwidth "pid"
    [InlineData("\u0130p")] // LATIN CAPITAL LETTER I WITH DOT ABOVE: Java's equalsIgnoreCase matches "ip"
    [InlineData("\uFF56olatile.x")] // fullwidth v in the prefix
    [InlineData(" pid")]
    [InlineData("pid ")]
    [InlineData("timestamps")]
    [InlineData("my-timestamp")]
    [InlineData("volatile")]
    [InlineData("volatile-x")]
    [InlineData("xvolatile.y")]
    public void Compute_LookalikeKeyAdded_DifferentRevision(string key)
    {
        var info = Baseline();
        info.Services[0].Params.Add(key, "1");

        Assert.False(MetadataRevision.IsVolatileKey(key));
        Assert.NotEqual(MetadataRevision.Compute(Baseline()), MetadataRevision.Compute(info));
    }

    [Fact]
    public void VolatileKeys_EveryListedKey_IsVolatileInAnyAsciiCase()
    {
        Assert.Equal(13, MetadataRevision.VolatileKeys.Count);
        foreach (var key in MetadataRevision.VolatileKeys)
        {
            Assert.True(MetadataRevision.IsVolatileKey(key), key);
            Assert.True(MetadataRevision.IsVolatileKey(key.ToUpperInvariant()), key);
        }
    }

    [Fact]
    public void IsVolatileKey_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => MetadataRevision.IsVolatileKey(null!));
    }

    [Theory]
    [InlineData("timeout", "3000", "3001")]
    [InlineData("serialization", "protobuf", "json")]
    [InlineData("weight", "100", "")]
    public void Compute_NonVolatileParamValueChanged_DifferentRevision(string key, string before, string after)
    {
        var info = Baseline();
        Assert.Equal(before, info.Services[0].Params[key]);
        info.Services[0].Params[key] = after;

        Assert.NotEqual(MetadataRevision.Compute(Baseline()), MetadataRevision.Compute(info));
    }

    [Fact]
    public void Compute_NonVolatileParamAddedOrRemoved_DifferentRevision()
    {
        var added = Baseline();
        added.Services[2].Params.Add("region", "eu");
        var removed = Baseline();
        removed.Services[0].Params.Remove("weight");
        var renamed = Baseline();
        renamed.Services[1].Params.Remove("retries");
        renamed.Services[1].Params.Add("retry", "2");

        var baseline = MetadataRevision.Compute(Baseline());
        Assert.NotEqual(baseline, MetadataRevision.Compute(added));
        Assert.NotEqual(baseline, MetadataRevision.Compute(removed));
        Assert.NotEqual(baseline, MetadataRevision.Compute(renamed));
    }

    [Fact]
    public void Compute_EachHashedFieldChanged_DifferentRevision()
    {
        var baseline = MetadataRevision.Compute(Baseline());
        var changes = new Action<MetadataInfo>[]
        {
            i => i.App = "orders2",
            i => i.Services[0].Name = "shop.Orders2",
            i => i.Services[0].Group = "red",
            i => i.Services[0].Version = "2.1",
            i => i.Services[0].Protocol = "grpc-web",
            i => i.Services[0].Port = 7001,
            i => i.Services[0].Path = "/v2/shop.Orders/",
            i => i.Services[0].Methods.Add("Delete"),
            i => i.Services[0].Methods.Remove("Get"),
            i => i.Services.RemoveAt(2),
        };

        var revisions = new HashSet<string> { baseline };
        foreach (var change in changes)
        {
            var info = Baseline();
            change(info);
            Assert.True(revisions.Add(MetadataRevision.Compute(info)));
        }
    }

    [Fact]
    public void Compute_NaiveConcatenationCollisionPair_DifferentRevisions()
    {
        // "ab"+"c" and "a"+"bc" concatenate to the same bytes; length prefixes keep them apart.
        var first = Info(Service("ab", group: "c"));
        var second = Info(Service("a", group: "bc"));

        Assert.NotEqual(MetadataRevision.Compute(first), MetadataRevision.Compute(second));
    }

    [Fact]
    public void Compute_SeparatorJoinCollisionPairs_DifferentRevisions()
    {
        var oneMethod = Info(Service("s", methods: "a,b"));
        var twoMethods = Info(Service("s", methods: ["a", "b"]));
        Assert.NotEqual(MetadataRevision.Compute(oneMethod), MetadataRevision.Compute(twoMethods));

        var oneParam = Info(Service("s"));
        oneParam.Services[0].Params.Add("a", "1\0b\02");
        var twoParams = Info(Service("s"));
        twoParams.Services[0].Params.Add("a", "1");
        twoParams.Services[0].Params.Add("b", "2");
        Assert.NotEqual(MetadataRevision.Compute(oneParam), MetadataRevision.Compute(twoParams));

        // A value whose bytes look like the length prefix of the next field.
        var lengthLike = Info(Service("s", methods: ["x\0\0\0\u0001y"]));
        var split = Info(Service("s", methods: ["x", "y"]));
        Assert.NotEqual(MetadataRevision.Compute(lengthLike), MetadataRevision.Compute(split));
    }

    [Fact]
    public void Compute_EmptyProtocol_SameAsGrpc()
    {
        Assert.Equal(
            MetadataRevision.Compute(Info(Service("s", protocol: "", methods: "M"))),
            MetadataRevision.Compute(Info(Service("s", protocol: "grpc", methods: "M"))));
    }

    [Theory]
    [InlineData("GRPC")]
    [InlineData("gRPC")]
    [InlineData("grpc-web")]
    [InlineData(" ")]
    public void Compute_OtherProtocol_DifferentFromGrpc(string protocol)
    {
        Assert.NotEqual(
            MetadataRevision.Compute(Info(Service("s", protocol: "grpc", methods: "M"))),
            MetadataRevision.Compute(Info(Service("s", protocol: protocol, methods: "M"))));
    }

    [Fact]
    public void Compute_PortZeroVersusExplicitPort_DifferentRevisions()
    {
        Assert.NotEqual(
            MetadataRevision.Compute(Info(Service("s", port: 0, methods: "M"))),
            MetadataRevision.Compute(Info(Service("s", port: 5001, methods: "M"))));
        Assert.NotEqual(
            MetadataRevision.Compute(Info(Service("s", port: 5001, methods: "M"))),
            MetadataRevision.Compute(Info(Service("s", port: 5002, methods: "M"))));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65535)]
    public void Compute_PortInRange_Accepted(int port)
    {
        Assert.True(MetadataRevision.IsWellFormed(MetadataRevision.Compute(Info(Service("s", port: port)))));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void Compute_PortOutOfRange_ThrowsArgumentException(int port)
    {
        var ex = Assert.Throws<ArgumentException>(() => MetadataRevision.Compute(Info(Service("s", port: port))));
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> LoneSurrogatePlaces =>
        ["app", "name", "group", "version", "protocol", "path", "method", "param key", "param value", "volatile param value", "volatile param key"];

    [Theory]
    [MemberData(nameof(LoneSurrogatePlaces))]
    public void Compute_LoneSurrogate_ThrowsArgumentException(string place)
    {
        foreach (var bad in new[] { "\uD800", "x\uDFFFy", "\uD83D", "\uDE00\uD83D" })
        {
            var info = Baseline();
            var service = info.Services[1];
            switch (place)
            {
                case "app": info.App = bad; break;
                case "name": service.Name = bad; break;
                case "group": service.Group = bad; break;
                case "version": service.Version = bad; break;
                case "protocol": service.Protocol = bad; break;
                case "path": service.Path = bad; break;
                case "method": service.Methods.Add(bad); break;
                case "param key": service.Params.Add(bad, "v"); break;
                case "param value": service.Params.Add("k", bad); break;
                case "volatile param value": service.Params.Add("pid", bad); break;
                case "volatile param key": service.Params.Add("volatile." + bad, "v"); break;
                default: throw new ArgumentOutOfRangeException(nameof(place));
            }

            Assert.Throws<ArgumentException>(() => MetadataRevision.Compute(info));
        }
    }

    [Fact]
    public void Compute_ValidSurrogatePair_Accepted()
    {
        var info = Info(Service("pkg.\uD83D\uDE80Rocket", methods: "\uD83D\uDE00"));

        Assert.True(MetadataRevision.IsWellFormed(MetadataRevision.Compute(info)));
    }

    [Fact]
    public void Compute_MethodsSortedByUtf8NotUtf16_MatchesReferenceEncoder()
    {
        // U+FF61 is EF BD A1 in UTF-8 and sorts before U+1F600 (F0 9F 98 80); in UTF-16 the
        // surrogate D83D sorts before FF61. Both orders of input must give the UTF-8 order.
        var first = Info(Service("s", methods: ["\uFF61", "\uD83D\uDE00"]));
        var second = Info(Service("s", methods: ["\uD83D\uDE00", "\uFF61"]));
        var canonical = Convert.ToHexStringLower(MetadataRevision.GetCanonicalBytes(first));

        Assert.Contains("00000002" + "00000003efbda1" + "00000004f09f9880", canonical, StringComparison.Ordinal);
        Assert.Equal(MetadataRevision.Compute(first), MetadataRevision.Compute(second));
        Assert.Equal(ReferenceEncoder.Revision(first), MetadataRevision.Compute(first));
    }

    [Fact]
    public void Compute_RandomInputs_AgreesWithReferenceEncoder()
    {
        var random = new Random(2026);
        string[] alphabet = ["a", "b", "Z", ",", "=", "\0", "\u0001", "é", "订", "\uD83D\uDE00", "\uFF61", "pid", "Timestamp", "volatile."];
        string Text(int max) => string.Concat(Enumerable.Range(0, random.Next(max + 1)).Select(_ => alphabet[random.Next(alphabet.Length)]));

        for (var round = 0; round < 300; round++)
        {
            var info = new MetadataInfo { App = Text(3) };
            for (var s = random.Next(1, 5); s > 0; s--)
            {
                var service = new ServiceInfo
                {
                    Name = Text(3), Group = Text(1), Version = Text(1), Protocol = random.Next(3) == 0 ? "grpc" : Text(1),
                    Port = random.Next(3) == 0 ? random.Next(65536) : 0, Path = Text(1),
                };
                for (var m = random.Next(4); m > 0; m--)
                {
                    service.Methods.Add(Text(2));
                }

                for (var p = random.Next(4); p > 0; p--)
                {
                    service.Params[Text(2)] = Text(2);
                }

                info.Services.Add(service);
                if (random.Next(4) == 0)
                {
                    info.Services.Add(service.Clone());
                }
            }

            Assert.Equal(ReferenceEncoder.Revision(info), MetadataRevision.Compute(info));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c")]
    [InlineData("abcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdefabcdef0189")]
    public void IsWellFormed_ZeroOr64LowercaseHex_True(string revision)
    {
        Assert.True(MetadataRevision.IsWellFormed(revision));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("1")]
    [InlineData(" 0")]
    [InlineData("B12E9E7BA5C34993AFAE46DE5AADD54E0668397EA1A5395BBAE9AFAFF235FB7C")]
    [InlineData("B12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c0")]
    [InlineData("g12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7 ")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7\u0663")]
    [InlineData("b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7\uFF41")]
    public void IsWellFormed_Malformed_False(string? revision)
    {
        Assert.False(MetadataRevision.IsWellFormed(revision));
    }
}
