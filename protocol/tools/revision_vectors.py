#!/usr/bin/env python3
"""Independent reference implementation of protocol/REVISION.md (introspection-revision-v1),
and the generator of protocol/revision-vectors.json.

It follows the spec literally and shares no code with the C# implementation; the C# tests check
that MetadataRevision.Compute and a second hand-written C# encoder agree with every vector it
writes.

    python3 protocol/tools/revision_vectors.py            # rewrite protocol/revision-vectors.json
    python3 protocol/tools/revision_vectors.py --check    # exit 1 if the file is out of date
    python3 protocol/tools/revision_vectors.py --verify   # read the file as another implementation would and
                                                          # check every section against this implementation

Strings in the file are JSON strings, or, where a JSON parser could not be trusted to keep them (lone
surrogates, invalid UTF-8, BOM, noncharacters), raw objects {"utf16": hex of UTF-16 code units, "utf8": hex of
bytes} (REVISION.md section 8). "utf16" is absent when the bytes are not UTF-16 at all (overlong UTF-8 ...).
"""
import hashlib
import json
import os
import re
import sys

FORMAT_TAG = "introspection-revision-v1"
VOLATILE_KEYS = {
    "pid", "timestamp", "start-time", "start_time", "start.time", "starttime", "uptime",
    "host", "hostname", "ip", "instance-id", "instance_id", "instance.id",
}
VOLATILE_PREFIX = "volatile."


def u32(n):
    return n.to_bytes(4, "big")


class Utf8Only:
    """A string given only as bytes (not UTF-16 at all, e.g. overlong UTF-8): hashing validates and rejects it."""

    def __init__(self, hex_bytes):
        self.hex = hex_bytes


def utf8(s):
    if isinstance(s, Utf8Only):
        # Strict decoding is the validation of a byte-string implementation: §3 says reject, never repair.
        return bytes.fromhex(s.hex).decode("utf-8", "strict").encode("utf-8")
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
    out += field(utf8(svc["protocol"] if svc["protocol"] != "" else "grpc"))
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
    # Section 13: absent (not even the tag) when there are no HTTP endpoints, so every document
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


HEX64 = re.compile(r"[0-9a-f]{64}")


def is_well_formed(revision):
    # fullmatch, not match with "$": Python's "$" also matches before a trailing newline (REVISION.md section 2).
    return isinstance(revision, str) and (revision == "0" or HEX64.fullmatch(revision) is not None)


def raw(text=None, utf16=None, utf8=None):
    """A string as a raw object: from a Python str (may hold lone surrogates) or from explicit hex."""
    if text is not None:
        utf16 = text.encode("utf-16-be", "surrogatepass").hex()
        utf8 = text.encode("utf-8", "surrogatepass").hex()
    out = {}
    if utf16 is not None:
        out["utf16"] = utf16
    out["utf8"] = utf8
    return {"raw": out}


def decode(value):
    """A string of the file as an implementation with Unicode strings reads it (UTF-16 code units first)."""
    if isinstance(value, str):
        return value
    r = value["raw"]
    if "utf16" in r:
        return bytes.fromhex(r["utf16"]).decode("utf-16-be", "surrogatepass")
    # Only bytes: a byte-string implementation hashes them after strict UTF-8 validation; here that is the decode.
    return bytes.fromhex(r["utf8"]).decode("utf-8", "strict")


def decode_info(info):
    return {"app": decode(info["app"]),
            "services": [{"name": decode(x["name"]), "group": decode(x["group"]), "version": decode(x["version"]),
                          "protocol": decode(x["protocol"]), "port": x["port"], "path": decode(x["path"]),
                          "methods": [decode(m) for m in x["methods"]],
                          # params with raw keys are lists of [key, value] pairs (an object key cannot be raw)
                          "params": dict((decode(k), decode(v)) for k, v in
                                         (x["params"].items() if isinstance(x["params"], dict) else x["params"]))}
                         for x in info["services"]],
            "http_endpoints": [{"route": decode(h["route"]), "methods": [decode(m) for m in h["methods"]]}
                               for h in info.get("http_endpoints", [])]}


def varint(n):
    n &= (1 << 64) - 1  # negative int32 is sign-extended to 10 bytes on the wire
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_bytes(field_no, payload):
    return varint(field_no << 3 | 2) + varint(len(payload)) + payload


def pb_str(field_no, text):
    return pb_bytes(field_no, text.encode("utf-8"))


def wire_service(name, port=0, methods=(), param_entries=()):
    """A ServiceInfo on the wire; param_entries is a list of (key, value), duplicates allowed."""
    out = pb_str(1, name)
    if port:
        out += varint(5 << 3 | 0) + varint(port)
    for m in methods:
        out += pb_str(7, m)
    for k, v in param_entries:
        out += pb_bytes(8, pb_str(1, k) + pb_str(2, v))
    return out


def parse_wire(data):
    """Just enough of a protobuf reader for MetadataInfo: last value wins for a repeated map key."""
    def fields(buf):
        i = 0
        while i < len(buf):
            key, i = read_varint(buf, i)
            no, wt = key >> 3, key & 7
            if wt == 0:
                val, i = read_varint(buf, i)
            elif wt == 2:
                ln, i = read_varint(buf, i)
                val, i = buf[i:i + ln], i + ln
            else:
                raise ValueError("unexpected wire type")
            yield no, val

    def read_varint(buf, i):
        shift = n = 0
        while True:
            b = buf[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n, i

    info = {"app": "", "services": []}
    for no, val in fields(data):
        if no == 1:
            info["app"] = val.decode("utf-8")
        elif no == 3:
            x = svc("")
            for sno, sval in fields(val):
                if sno == 1:
                    x["name"] = sval.decode("utf-8")
                elif sno == 5:
                    x["port"] = sval - (1 << 64) if sval >= 1 << 63 else sval  # int32 read back signed
                elif sno == 7:
                    x["methods"].append(sval.decode("utf-8"))
                elif sno == 8:
                    entry = dict((eno, ev.decode("utf-8")) for eno, ev in fields(sval))
                    x["params"][entry.get(1, "")] = entry.get(2, "")  # protobuf maps: the last entry wins
            info["services"].append(x)
    return info


def java_utf16_key(s):
    # Java's String.compareTo (TreeMap order) compares UTF-16 code units.
    return s.encode("utf-16-be", "surrogatepass")


def dubbo_java_desc(info):
    """MetadataInfo.calAndGetRevision of Apache Dubbo 3.x (REVISION.md section 10)."""
    def service_key(x):
        key = (x["group"] + "/" if x["group"] else "") + x["name"]
        return key + (":" + x["version"] if x["version"] else "")

    def match_key(x):
        return service_key(x) + (":" + x["protocol"] if x["protocol"] else "")

    services = {match_key(x): x for x in info["services"]}
    out = info["app"]
    for key in sorted(services, key=java_utf16_key):
        x = services[key]
        params = ", ".join(k + "=" + x["params"][k] for k in sorted(x["params"], key=java_utf16_key))
        out += match_key(x) + str(x["port"]) + x["path"] + "{" + params + "}"
    return out


def dubbo_java_revision(info):
    if not info["services"]:
        return "0"
    return hashlib.md5(dubbo_java_desc(info).encode("utf-8")).hexdigest()


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

    def add(name, description, app, services, http_endpoints=None, reject=None, revision_field=None):
        entry = {"name": name, "description": description, "input": {"app": app, "services": services}}
        if http_endpoints:
            entry["input"]["http_endpoints"] = http_endpoints
        if revision_field is not None:
            entry["input"]["revision"] = revision_field
        if reject is not None:
            entry["reject"] = reject
        v.append(entry)

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

    # --- REVISION.md sections 2, 3, 5, 11: the questions an implementer would otherwise have to guess ---
    worked = [svc("s", methods=["M"], params={"k": "v"})]
    add("empty-services-invalid-app",
        "No services and an app that is not valid Unicode (lone surrogate U+D800): \"0\", nothing is examined (section 2 wins over 3).",
        "a\ud800", [])
    add("revision-field-ignored",
        "worked-example with MetadataInfo.revision set to a lone surrogate: not an input, not validated, same revision.",
        "a", worked, revision_field="\udc00")
    add("volatile-bare-prefix", "single-service-all-fields plus the key \"volatile.\" itself (the bare prefix is volatile): same revision.",
        "greeter", [svc(**{**GREETER, "params": {**GREETER["params"], "volatile.": "x"}})])
    add("bom-not-stripped", "worked-example with app U+FEFF + \"a\": a leading BOM is a character like any other (no BOM added, none stripped); differs.",
        "\ufeffa", worked)
    add("noncharacters-hashed", "Noncharacters U+FFFE, U+FFFF, U+FDD0, U+1FFFE and U+10FFFF are valid Unicode: hashed, not rejected.",
        "app", [svc("s", methods=["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff"])])
    add("reject-lone-high-surrogate-app", "app \"a\" + U+D800 (unpaired high surrogate), with one service: rejected.",
        "a\ud800", worked, reject="unicode")
    add("reject-lone-low-surrogate-method", "A method that is a lone U+DC00: rejected.",
        "a", [svc("s", methods=["\udc00"])], reject="unicode")
    add("reject-reversed-surrogate-pair", "Low then high surrogate (U+DC00 U+D800) in a group: not a pair, rejected.",
        "a", [svc("s", group="\udc00\ud800", methods=["M"])], reject="unicode")
    add("reject-lone-surrogate-param-key", "A parameter key ending in a lone U+D83D: rejected.",
        "a", [svc("s", params={"k\ud83d": "v"})], reject="unicode")
    add("reject-lone-surrogate-volatile-value", "A lone surrogate in the value of the volatile key pid: volatile values are validated too, rejected.",
        "a", [svc("s", methods=["M"], params={"pid": "\ud800"})], reject="unicode")
    add("reject-utf8-overlong", "Overlong UTF-8 C0 AF (\"/\" in two bytes) in a path; no UTF-16 form exists: rejected.",
        "a", [svc("s", path=Utf8Only("c0af"), methods=["M"])], reject="unicode")
    add("reject-utf8-encoded-surrogate", "UTF-8 bytes ED A0 80 (an encoded U+D800, \"CESU\"/WTF-8) in a version: rejected.",
        "a", [svc("s", version=Utf8Only("eda080"), methods=["M"])], reject="unicode")
    add("reject-utf8-above-max", "F4 90 80 80 (U+110000, above U+10FFFF) in a name: rejected.",
        "a", [svc(Utf8Only("f4908080"), methods=["M"])], reject="unicode")
    add("reject-utf8-truncated", "E2 82 (a truncated 3-byte sequence) in a param value: rejected.",
        "a", [svc("s", params={"k": Utf8Only("e282")})], reject="unicode")
    add("reject-port-negative", "port -1: rejected.", "a", [svc("s", port=-1, methods=["M"])], reject="port")
    add("reject-port-65536", "port 65536: rejected.", "a", [svc("s", port=65536, methods=["M"])], reject="port")

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

    # Section 13: HTTP endpoints. Appended after every vector above, which stay byte-identical.
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
        if "reject" in vec:
            try:
                revision(info)
            except ValueError:  # UnicodeError and the port check are both ValueErrors
                pass
            else:
                raise AssertionError(vec["name"] + " was not rejected")
        else:
            if has_content(info):
                vec["canonical"] = document(info).hex()
            vec["expected"] = revision(info)
        vec["input"] = for_file(info)
    return v


def needs_raw(text):
    return any(0xD800 <= ord(c) <= 0xDFFF or c == "\ufeff" or 0xFDD0 <= ord(c) <= 0xFDEF or (ord(c) & 0xFFFE) == 0xFFFE
               for c in text)


def file_str(value):
    if isinstance(value, Utf8Only):
        return raw(utf8=value.hex)
    return raw(value) if needs_raw(value) else value


def for_file(info):
    """The input as written to the file: strings a JSON parser might not keep become raw objects."""
    out = {"app": file_str(info["app"]), "services": []}
    if "revision" in info:
        out["revision"] = file_str(info["revision"])
    for x in info["services"]:
        params = x["params"]
        if any(isinstance(k, Utf8Only) or needs_raw(k) for k in params):
            written = [[file_str(k), file_str(val)] for k, val in params.items()]
        else:
            written = {k: file_str(val) for k, val in params.items()}
        out["services"].append({"name": file_str(x["name"]), "group": file_str(x["group"]), "version": file_str(x["version"]),
                                "protocol": file_str(x["protocol"]), "port": x["port"], "path": file_str(x["path"]),
                                "methods": [file_str(m) for m in x["methods"]], "params": written})
    if info.get("http_endpoints"):
        out["http_endpoints"] = [{"route": file_str(h["route"]), "methods": [file_str(m) for m in h["methods"]]}
                                 for h in info["http_endpoints"]]
    return out


def well_formed_vectors():
    hex64 = "b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c"
    cases = [
        ("0", True, "the empty revision"),
        (hex64, True, "64 lowercase hex"),
        ("", False, "empty string"),
        (None, False, "missing (JSON null)"),
        ("00", False, "only one zero is the empty revision"),
        ("0\n", False, "trailing newline: a regex with $ would accept it, the rule does not"),
        (hex64 + "\n", False, "64 hex + trailing newline"),
        (hex64 + "\r\n", False, "64 hex + CRLF"),
        (" " + hex64, False, "leading space"),
        (hex64.upper(), False, "uppercase hex"),
        (hex64[:32].upper() + hex64[32:], False, "mixed case"),
        (hex64[:63], False, "63 characters"),
        (hex64 + "0", False, "65 characters"),
        (hex64[:63] + "g", False, "a letter after f"),
        ("9f86d081884c7d659a2feaa0c55ad015", False, "32 hex (a Dubbo Java MD5 revision)"),
        ("\u0660", False, "ARABIC-INDIC DIGIT ZERO: a Unicode digit, not ASCII"),
        ("\uff10" + hex64[1:], False, "FULLWIDTH DIGIT ZERO first"),
    ]
    return [{"revision": r, "well_formed": ok, "note": note} for r, ok, note in cases]


def wire_vectors():
    """MetadataInfo as protobuf bytes: what a protobuf runtime hands the hash (maps: last key wins)."""
    out = []

    def add(name, description, services, reject=None):
        data = pb_str(1, "a") + b"".join(pb_bytes(3, x) for x in services)
        entry = {"name": name, "description": description, "protobuf": data.hex()}
        info = parse_wire(data)
        if reject:
            try:
                revision(info)
            except ValueError:
                entry["reject"] = reject
            else:
                raise AssertionError(name)
        else:
            entry["expected"] = revision(info)
        out.append(entry)

    add("wire-duplicate-param-key-last-wins",
        "worked-example with the param entry k=\"old\" then k=\"v\": the parser keeps the last, so worked-example's revision.",
        [wire_service("s", methods=["M"], param_entries=[("k", "old"), ("k", "v")])])
    add("wire-duplicate-param-key-other-order",
        "The same two entries the other way round: k=\"old\" is kept, so a different revision.",
        [wire_service("s", methods=["M"], param_entries=[("k", "v"), ("k", "old")])])
    add("wire-duplicate-service", "worked-example's service twice on the wire: duplicate blocks dropped, worked-example's revision.",
        [wire_service("s", methods=["M"], param_entries=[("k", "v")])] * 2)
    add("wire-port-negative", "port -1 on the wire (a 10-byte varint): parses, then rejected by the hash.",
        [wire_service("s", port=-1, methods=["M"])], reject="port")
    return out


def dubbo_java_vectors():
    out = []

    def add(name, description, app, services):
        info = {"app": app, "services": services}
        out.append({"name": name, "description": description, "input": info,
                    "desc": dubbo_java_desc(info) if services else None, "expected": dubbo_java_revision(info)})
        if not services:
            del out[-1]["desc"]

    def dsvc(name, group="", version="", protocol="tri", port=20880, path=None, params=None):
        return {"name": name, "group": group, "version": version, "protocol": protocol, "port": port,
                "path": name if path is None else path, "params": dict(params or {})}

    add("dubbo-java-empty", "No services: Dubbo's EMPTY_REVISION \"0\" too.", "demo", [])
    add("dubbo-java-one-service", "One Triple service: app + matchKey + port + path + TreeMap(params).toString().",
        "dubbo-greeter", [dsvc("greet.Greeter", version="1.0", params={"timeout": "3000", "methods": "SayHello", "side": "provider"})])
    add("dubbo-java-two-services", "Two services, one with a group: TreeMap order of the match keys (UTF-16 order).",
        "demo", [dsvc("org.apache.dubbo.demo.DemoService", group="g1", params={"methods": "sayHello,sayHelloAsync"}),
                 dsvc("org.apache.dubbo.demo.GreeterService", version="2.0.0", params={})])
    return out


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
        if "reject" not in vec:
            assert vec["expected"] != "0" or not has_content(vec["input"]), vec["name"]
    for a, b in same:
        assert by_name[a]["expected"] == by_name[b]["expected"], (a, b)
    for a, b in differ:
        assert by_name[a]["expected"] != by_name[b]["expected"], (a, b)
    assert by_name["worked-example"]["expected"] == \
        "b12e9e7ba5c34993afae46de5aadd54e0668397ea1a5395bbae9afaff235fb7c"
    assert by_name["revision-field-ignored"]["expected"] == by_name["worked-example"]["expected"]
    assert by_name["volatile-bare-prefix"]["expected"] == by_name["single-service-all-fields"]["expected"]
    assert by_name["bom-not-stripped"]["expected"] != by_name["worked-example"]["expected"]
    assert by_name["empty-services-invalid-app"]["expected"] == "0"


def verify(path):
    """Reads the file as an independent implementation would and checks every section."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    failures = []

    def attempt(compute):
        try:
            return compute(), None
        except ValueError as e:
            return None, e

    for vec in data["vectors"]:
        got, err = attempt(lambda: revision(decode_info(vec["input"])))
        if "reject" in vec:
            if err is None:
                failures.append(vec["name"] + ": not rejected")
        elif err is not None or got != vec["expected"]:
            failures.append(f"{vec['name']}: {got or err} != {vec['expected']}")
        elif "canonical" in vec and document(decode_info(vec["input"])).hex() != vec["canonical"]:
            failures.append(vec["name"] + ": canonical differs")
    for case in data["well_formed"]:
        revision_text = None if case["revision"] is None else decode(case["revision"])
        if is_well_formed(revision_text) != case["well_formed"]:
            failures.append(f"well_formed {case['note']}")
    for vec in data["wire"]:
        got, err = attempt(lambda: revision(parse_wire(bytes.fromhex(vec["protobuf"]))))
        if ("reject" in vec) != (err is not None) or ("expected" in vec and got != vec["expected"]):
            failures.append(vec["name"])
    for vec in data["dubbo_java"]:
        if dubbo_java_revision(vec["input"]) != vec["expected"] or ("desc" in vec and dubbo_java_desc(vec["input"]) != vec["desc"]):
            failures.append(vec["name"])
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    counts = (len(data["vectors"]), len(data["well_formed"]), len(data["wire"]), len(data["dubbo_java"]))
    print("verified %d vectors, %d well-formedness cases, %d wire vectors, %d Dubbo Java vectors" % counts)
    return 1 if failures else 0


def main():
    vs = vectors()
    check_invariants({x["name"]: x for x in vs})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "revision-vectors.json")
    if "--verify" in sys.argv:
        return verify(path)
    text = json.dumps({"format": FORMAT_TAG, "spec": "protocol/REVISION.md", "vectors": vs,
                       "well_formed": well_formed_vectors(), "wire": wire_vectors(), "dubbo_java": dubbo_java_vectors()},
                      ensure_ascii=False, indent=2) + "\n"
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
