#!/usr/bin/env python3
"""Independent reference implementation of protocol/REVISION.md (introspection-revision-v1),
and the generator of protocol/revision-vectors.json.

It follows the spec literally and shares no code with the C# implementation; the C# tests check
that MetadataRevision.Compute and a second hand-written C# encoder agree with every vector it
writes.

    python3 protocol/tools/revision_vectors.py            # rewrite protocol/revision-vectors.json
    python3 protocol/tools/revision_vectors.py --check    # exit 1 if the file is out of date
"""
import hashlib
import json
import os
import sys

FORMAT_TAG = "introspection-revision-v1"
VOLATILE_KEYS = {
    "pid", "timestamp", "start-time", "start_time", "start.time", "starttime", "uptime",
    "host", "hostname", "ip", "instance-id", "instance_id", "instance.id",
}
VOLATILE_PREFIX = "volatile."


def u32(n):
    return n.to_bytes(4, "big")


def utf8(s):
    # 'strict' raises on lone surrogates: §3 says reject, never repair.
    return s.encode("utf-8", "strict")


def field(b):
    return u32(len(b)) + b


def ascii_lower(s):
    return "".join(chr(ord(c) | 0x20) if "A" <= c <= "Z" else c for c in s)


def is_volatile(key):
    k = ascii_lower(key)
    return k in VOLATILE_KEYS or k.startswith(VOLATILE_PREFIX)


def sort_distinct(items):
    # Python compares bytes unsigned and lexicographically, prefix first: the §4.1 byte order.
    return sorted(set(items))


def block(svc):
    port = svc["port"]
    if not 0 <= port <= 65535:
        raise ValueError("port out of range")
    out = field(utf8(svc["name"])) + field(utf8(svc["group"])) + field(utf8(svc["version"]))
    out += field(utf8(svc["protocol"] or "grpc"))
    out += u32(port)
    out += field(utf8(svc["path"]))
    methods = sort_distinct(utf8(m) for m in svc["methods"])
    out += u32(len(methods)) + b"".join(field(m) for m in methods)
    params = []
    for k, v in svc["params"].items():
        kb, vb = utf8(k), utf8(v)  # volatile entries are validated too
        if not is_volatile(k):
            params.append((kb, vb))
    params.sort(key=lambda kv: kv[0])
    out += u32(len(params)) + b"".join(field(k) + field(v) for k, v in params)
    return out


def http_block(endpoint):
    methods = sort_distinct(utf8(m) for m in endpoint["methods"])
    return field(utf8(endpoint["route"])) + u32(len(methods)) + b"".join(field(m) for m in methods)


def http_section(info):
    # Section 10: absent (not even the tag) when there are no HTTP endpoints, so every document
    # computed before the section existed is unchanged.
    endpoints = info.get("http_endpoints") or []
    if not endpoints:
        return b""
    blocks = sort_distinct(http_block(h) for h in endpoints)
    return field(utf8("http")) + u32(len(blocks)) + b"".join(blocks)


def document(info):
    blocks = sort_distinct(block(s) for s in info["services"])
    return (field(utf8(FORMAT_TAG)) + field(utf8(info["app"])) + u32(len(blocks)) + b"".join(blocks)
            + http_section(info))


def has_content(info):
    return bool(info["services"]) or bool(info.get("http_endpoints"))


def revision(info):
    if not has_content(info):
        return "0"
    return hashlib.sha256(document(info)).hexdigest()


def svc(name, group="", version="", protocol="", port=0, path="", methods=(), params=None):
    return {"name": name, "group": group, "version": version, "protocol": protocol, "port": port,
            "path": path, "methods": list(methods), "params": dict(params or {})}


def http(route, methods):
    return {"route": route, "methods": list(methods)}


GREETER = dict(name="greet.Greeter", group="canary", version="2.0", protocol="grpc",
               methods=["SayHello", "SayHelloStream"],
               params={"serialization": "protobuf", "timeout": "3000"})


def vectors():
    v = []

    def add(name, description, app, services, http_endpoints=None):
        entry = {"app": app, "services": services}
        if http_endpoints:
            entry["http_endpoints"] = http_endpoints
        v.append({"name": name, "description": description, "input": entry})

    add("empty", "No services: the revision is \"0\" whatever the app.", "greeter", [])
    add("empty-no-app", "No services and no app name: still \"0\".", "", [])
    add("worked-example", "The example of REVISION.md section 7, hashed by hand with sha256sum.",
        "a", [svc("s", methods=["M"], params={"k": "v"})])
    add("single-service-all-fields", "One service with every field set; the baseline of several vectors below.",
        "greeter", [svc(**GREETER)])
    add("param-order-shuffled", "Same as single-service-all-fields with the params object in the other order: same revision.",
        "greeter", [svc(**{**GREETER, "params": {"timeout": "3000", "serialization": "protobuf"}})])
    add("method-order-shuffled", "Same as single-service-all-fields with the methods reversed: same revision.",
        "greeter", [svc(**{**GREETER, "methods": ["SayHelloStream", "SayHello"]})])
    add("duplicate-methods", "Same as single-service-all-fields with methods repeated: duplicates dropped, same revision.",
        "greeter", [svc(**{**GREETER, "methods": ["SayHelloStream", "SayHello", "SayHello", "SayHelloStream"]})])
    add("volatile-keys-ignored",
        "single-service-all-fields plus volatile params in several ASCII case variants and the volatile. prefix: same revision.",
        "greeter", [svc(**{**GREETER, "params": {
            "timeout": "3000", "pid": "4242", "Timestamp": "1764043200000", "START-TIME": "2026-11-25T04:00:00Z",
            "start_time": "x", "Start.Time": "y", "StartTime": "z", "UpTime": "12s", "Host": "10.0.0.7",
            "HOSTNAME": "node-7", "iP": "10.0.0.7", "Instance-Id": "i-1", "instance_ID": "i-1", "INSTANCE.ID": "i-1",
            "volatile.boot-id": "0b7f", "VOLATILE.Deployed-At": "now", "Volatile.": "",
            "serialization": "protobuf"}})])
    add("volatile-lookalikes-hashed",
        "Keys that only look volatile (non-ASCII letters, surrounding spaces, other spellings) are hashed: differs from single-service-all-fields.",
        "greeter", [svc(**{**GREETER, "params": {
            **GREETER["params"], "\u017ftarttime": "1", "p\u0131d": "2", "\uff50\uff49\uff44": "3", " pid": "4",
            "pid ": "5", "timestamps": "6", "volatile": "7", "volatile-x": "8", "\uff56olatile.x": "9", "\u0130p": "10"}})])
    add("unicode-cjk", "CJK in every string field, key and value.",
        "订单服务", [svc("订单.订单服务", group="灰度", version="二", methods=["创建订单", "查询订单"],
                     params={"描述": "订单中心", "超时": "3秒"})])
    add("unicode-astral-order",
        "Astral-plane (emoji, 4-byte UTF-8) and U+FF61: sorted by UTF-8 bytes EF.. < F0.., the reverse of UTF-16 order.",
        "emoji\U0001F600", [svc("pkg.\U0001F680Rocket", methods=["\U0001F600Grin", "\uff61Dot", "\U00010348Hwair"],
                                params={"\U0001F600": "smile", "\uff61": "dot", "\u00e9": "\U0001F4A9"})])
    add("unicode-nfc", "U+00E9 precomposed (NFC).", "caf\u00e9", [svc("pkg.Caf\u00e9", methods=["Caf\u00e9"])])
    add("unicode-nfd", "e + U+0301 combining (NFD): no normalization, so differs from unicode-nfc.",
        "cafe\u0301", [svc("pkg.Cafe\u0301", methods=["Cafe\u0301"])])
    add("concat-collision-a", "name \"ab\" + group \"c\": collides with concat-collision-b under naive concatenation.",
        "app", [svc("ab", group="c", methods=["M"])])
    add("concat-collision-b", "name \"a\" + group \"bc\": must differ from concat-collision-a.",
        "app", [svc("a", group="bc", methods=["M"])])
    add("comma-collision-a", "One method \"a,b\": collides with comma-collision-b under comma joining.",
        "app", [svc("s", methods=["a,b"])])
    add("comma-collision-b", "Two methods \"a\", \"b\": must differ from comma-collision-a.",
        "app", [svc("s", methods=["a", "b"])])
    add("nul-collision-a", "One param a=\"1\\0b\\02\": collides with nul-collision-b under NUL-separated joining.",
        "app", [svc("s", params={"a": "1\u0000b\u00002"})])
    add("nul-collision-b", "Two params a=\"1\", b=\"2\": must differ from nul-collision-a.",
        "app", [svc("s", params={"a": "1", "b": "2"})])
    add("separators-and-length-bytes",
        "Separator characters, NUL, newline and bytes that look like a length prefix inside every field.",
        "a|b=c&d", [svc("x;y,z", group="g\u0000", version="\u0000\u0000\u0000\u0001", protocol="grpc\n",
                         path="/p/q?r=s#t", methods=["\u0000", "\u0000\u0000", "", "a\u0000\u0000\u0000\u0002bc"],
                         params={"k=v": "a&b", "": "", "\u0000\u0000\u0000\u0004keys": "\r\n\t\\\"", "z": "\u007f\u0080"})])
    add("protocol-empty", "protocol \"\" is recorded as \"grpc\": same revision as protocol-grpc.",
        "app", [svc("pkg.S", protocol="", methods=["M"])])
    add("protocol-grpc", "protocol \"grpc\" explicitly: same revision as protocol-empty.",
        "app", [svc("pkg.S", protocol="grpc", methods=["M"])])
    add("protocol-uppercase", "protocol \"GRPC\": no case folding, differs from protocol-grpc.",
        "app", [svc("pkg.S", protocol="GRPC", methods=["M"])])
    add("port-own", "port 0: served on the instance's own port (the usual case).",
        "app", [svc("pkg.S", port=0, methods=["M"])])
    add("port-explicit", "port 5001: a service on a fixed other port; differs from port-own.",
        "app", [svc("pkg.S", port=5001, methods=["M"])])
    add("port-max", "port 65535, the largest valid port.",
        "app", [svc("pkg.S", port=65535, methods=["M"])])
    add("group-differs", "single-service-all-fields with group \"\": differs.",
        "greeter", [svc(**{**GREETER, "group": ""})])
    add("version-differs", "single-service-all-fields with version \"2.1\": differs.",
        "greeter", [svc(**{**GREETER, "version": "2.1"})])
    add("app-differs", "single-service-all-fields under app \"greeter2\": differs.",
        "greeter2", [svc(**GREETER)])
    add("duplicate-services", "single-service-all-fields listed three times (params in different orders): same revision.",
        "greeter", [svc(**GREETER), svc(**{**GREETER, "params": {"timeout": "3000", "serialization": "protobuf"}}),
                    svc(**{**GREETER, "methods": ["SayHelloStream", "SayHello"]})])
    add("same-name-two-groups", "One service name in two groups: two distinct services, both hashed.",
        "greeter", [svc(**{**GREETER, "group": "blue"}), svc(**{**GREETER, "group": "green"})])

    many = []
    for i in range(50):
        many.append(svc(f"svc{i:02d}.Service{i}", group=["", "canary", "blue"][i % 3],
                        version=["", "1.0", "2.0", "10.0"][i % 4], protocol=["", "grpc", "grpc-web"][i % 3],
                        port=0 if i % 5 else 6000 + i, path="" if i % 7 else f"/api/v{i}",
                        methods=[f"Method{j}" for j in range(i % 6, -1, -1)],
                        params={f"p{j}": str(i * j) for j in range(i % 4)} | {"pid": str(1000 + i)}))
    add("many-services-50", "50 services with varied fields, in a scrambled order.",
        "big-app", [many[(i * 17) % 50] for i in range(50)])
    add("many-services-50-reversed", "The same 50 services reversed: same revision as many-services-50.",
        "big-app", list(reversed([many[(i * 17) % 50] for i in range(50)])))

    # Section 10: HTTP endpoints. Appended after every vector above, which stay byte-identical.
    weather = [http("/weather/{city}", ["GET"]), http("/weather", ["GET", "POST"])]
    add("http-only", "An HTTP-only app: no services, two HTTP endpoints; not \"0\".",
        "weather", [], weather)
    add("http-only-shuffled",
        "http-only with the endpoints reversed, methods reordered and duplicated: same revision.",
        "weather", [], [http("/weather", ["POST", "GET", "GET"]), http("/weather/{city}", ["GET"])])
    add("http-any-method", "A route with no methods (any method): differs from the same route with GET.",
        "weather", [], [http("/weather/{city}", [])])
    add("http-method-case", "Methods are hashed verbatim: \"get\" differs from \"GET\".",
        "weather", [], [http("/weather/{city}", ["get"])])
    add("http-get-only", "/weather/{city} with GET only: the baseline of http-any-method and http-method-case.",
        "weather", [], [http("/weather/{city}", ["GET"])])
    add("grpc-and-http",
        "single-service-all-fields plus one HTTP endpoint: differs from single-service-all-fields.",
        "greeter", [svc(**GREETER)], [http("/status", ["GET"])])
    add("http-route-collision-a", "Route \"/a\" with method \"B\": must differ from http-route-collision-b.",
        "app", [], [http("/a", ["B"])])
    add("http-route-collision-b", "Route \"/aB\" with no methods: must differ from http-route-collision-a.",
        "app", [], [http("/aB", [])])

    for vec in v:
        info = vec["input"]
        vec["canonical"] = document(info).hex() if has_content(info) else None
        vec["expected"] = revision(info)
        if vec["canonical"] is None:
            del vec["canonical"]
    return v


def check_invariants(by_name):
    same = [("single-service-all-fields", n) for n in
            ("param-order-shuffled", "method-order-shuffled", "duplicate-methods", "volatile-keys-ignored",
             "duplicate-services")]
    same += [("protocol-empty", "protocol-grpc"), ("many-services-50", "many-services-50-reversed"),
             ("empty", "empty-no-app")]
    differ = [("concat-collision-a", "concat-collision-b"), ("comma-collision-a", "comma-collision-b"),
              ("nul-collision-a", "nul-collision-b"), ("unicode-nfc", "unicode-nfd"),
              ("protocol-grpc", "protocol-uppercase"), ("port-own", "port-explicit"),
              ("single-service-all-fields", "volatile-lookalikes-hashed"),
              ("single-service-all-fields", "group-differs"), ("single-service-all-fields", "version-differs"),
              ("single-service-all-fields", "app-differs")]
    same += [("http-only", "http-only-shuffled")]
    differ += [("http-get-only", "http-any-method"), ("http-get-only", "http-method-case"),
               ("single-service-all-fields", "grpc-and-http"),
               ("http-route-collision-a", "http-route-collision-b")]
    for vec in by_name.values():
        assert vec["expected"] != "0" or not has_content(vec["input"]), vec["name"]
    for a, b in same:
        assert by_name[a]["expected"] == by_name[b]["expected"], (a, b)
    for a, b in differ:
        assert by_name[a]["expected"] != by_name[b]["expected"], (a, b)
    assert by_name["worked-example"]["expected"] == \
        "b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c"


def main():
    vs = vectors()
    check_invariants({x["name"]: x for x in vs})
    text = json.dumps({"format": FORMAT_TAG, "spec": "protocol/REVISION.md", "vectors": vs},
                      ensure_ascii=False, indent=2) + "\n"
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "revision-vectors.json")
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("revision-vectors.json is out of date", file=sys.stderr)
                return 1
        return 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{len(vs)} vectors written to {os.path.normpath(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
