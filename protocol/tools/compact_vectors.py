#!/usr/bin/env python3
"""Generator of protocol/compact-vectors.json: registry answers in the compact form of
protocol/COMPACT.md beside the same answers inline, as protobuf bytes (base64).

It encodes protobuf by hand (no protobuf package needed) and compacts by the spec's rule, sharing
no code with the C# implementation; the C# tests parse both forms, expand the compact one with
CompactForm.Expand and compare bytes, and compact the inline one with the registry's encoder.

    python3 protocol/tools/compact_vectors.py           # rewrite protocol/compact-vectors.json
    python3 protocol/tools/compact_vectors.py --check   # exit 1 if the file is out of date
"""
import base64
import json
import os
import sys

REV_A = "a" * 64
REV_B = "0123456789abcdef" * 4
REV_C = "fedcba9876543210" * 4


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def v(field, n):
    """A varint field; proto3 leaves a zero out."""
    return b"" if n == 0 else key(field, 0) + varint(n)


def s(field, text):
    """A string field; proto3 leaves an empty string out."""
    return b"" if text == "" else ld(field, text.encode("utf-8"))


def ld(field, payload):
    return key(field, 2) + varint(len(payload)) + payload


def label(k, value):
    return s(1, k) + s(2, value)


def instance(i):
    # Field order is field-number order, as protobuf implementations serialize.
    out = s(1, i.get("app", "")) + s(2, i.get("instance_id", "")) + s(3, i.get("host", "")) + v(4, i.get("port", 0))
    out += s(5, i.get("revision", ""))
    for k, value in sorted(i.get("labels", {}).items()):
        out += ld(6, label(k, value))
    out += v(7, i.get("mod_revision", 0)) + v(8, i.get("app_ref", 0)) + v(9, i.get("revision_ref", 0))
    return out


def list_response(r):
    out = b"".join(ld(1, instance(i)) for i in r["instances"]) + v(2, r["revision"])
    out += b"".join(s(3, a) for a in r.get("app_table", [])) + b"".join(s(4, x) for x in r.get("revision_table", []))
    return out


def event(e):
    out = v(1, e["type"]) + v(2, e["revision"])
    if "instance" in e:
        out += ld(3, instance(e["instance"]))
    return out


def watch_response(r):
    out = v(1, r["kind"]) + v(2, r["revision"]) + v(3, 1 if r.get("reset") else 0)
    out += b"".join(ld(4, instance(i)) for i in r.get("instances", []))
    out += b"".join(ld(6, event(e)) for e in r.get("events", []))
    out += b"".join(s(7, a) for a in r.get("app_table", [])) + b"".join(s(8, x) for x in r.get("revision_table", []))
    return out


def instances_of(r):
    return list(r.get("instances", [])) + [e["instance"] for e in r.get("events", []) if "instance" in e]


def compact(r):
    """COMPACT.md section 3: a non-empty value used at least twice in the message goes into its
    table once, in order of first use over instances then events; every use refers to it."""
    r = json.loads(json.dumps(r))
    for field, table_name, ref in (("app", "app_table", "app_ref"), ("revision", "revision_table", "revision_ref")):
        uses = {}
        for i in instances_of(r):
            value = i.get(field, "")
            if value:
                uses[value] = uses.get(value, 0) + 1
        table = []
        for i in instances_of(r):
            value = i.get(field, "")
            if value and uses[value] >= 2:
                if value not in table:
                    table.append(value)
                i[field] = ""
                i[ref] = table.index(value) + 1
        if table:
            r[table_name] = table
    return r


def b64(data):
    return base64.b64encode(data).decode("ascii")


def inst(app, n, revision, mod, **extra):
    i = {"app": app, "instance_id": f"{app}-{n}", "host": f"10.0.0.{n}", "port": 8080, "revision": revision, "mod_revision": mod}
    i.update(extra)
    return i


def cases():
    yield "list", "list-one-app-one-revision", {
        "instances": [inst("orders", 1, REV_A, 3), inst("orders", 2, REV_A, 4), inst("orders", 3, REV_A, 5, labels={"zone": "a"})],
        "revision": 5,
    }
    yield "list", "list-rollout-two-revisions-one-unique", {
        "instances": [inst("orders", 1, REV_A, 3), inst("orders", 2, REV_B, 6), inst("orders", 3, REV_A, 5), inst("orders", 4, REV_C, 7)],
        "revision": 7,
    }
    yield "list", "list-single-instance-stays-inline", {"instances": [inst("orders", 1, REV_A, 3)], "revision": 3}
    yield "list", "list-empty", {"instances": [], "revision": 9}
    yield "list", "list-empty-revision-zero-revision", {
        "instances": [inst("orders", 1, "0", 3), inst("orders", 2, "0", 4)],
        "revision": 4,
    }
    yield "watch", "watch-snapshot-two-apps", {
        "kind": 1, "revision": 12, "reset": True,
        "instances": [inst("orders", 1, REV_A, 3), inst("billing", 1, REV_B, 4), inst("orders", 2, REV_A, 5), inst("billing", 2, REV_C, 6)],
    }
    yield "watch", "watch-delta-put-put-delete", {
        "kind": 2, "revision": 22,
        "events": [
            {"type": 1, "revision": 20, "instance": inst("orders", 7, REV_B, 20)},
            {"type": 1, "revision": 21, "instance": inst("orders", 8, REV_B, 21)},
            {"type": 2, "revision": 22, "instance": {"app": "orders", "instance_id": "orders-1"}},
        ],
    }
    yield "watch", "watch-delta-one-event-stays-inline", {
        "kind": 2, "revision": 30, "events": [{"type": 1, "revision": 30, "instance": inst("orders", 9, REV_C, 30)}],
    }


def rejects():
    # A reader must refuse these with a clear error (COMPACT.md section 4); the registry never sends them.
    yield "list", "reject-app-ref-past-table", {"instances": [dict(inst("orders", 1, REV_A, 3), app="", app_ref=2)], "revision": 3, "app_table": ["orders"]}
    yield "list", "reject-revision-ref-without-table", {"instances": [dict(inst("orders", 1, REV_A, 3), revision="", revision_ref=1)], "revision": 3}
    yield "watch", "reject-ref-beside-inline-value", {
        "kind": 2, "revision": 4, "events": [{"type": 1, "revision": 4, "instance": dict(inst("orders", 1, REV_A, 4), app_ref=1)}], "app_table": ["orders"],
    }


def build():
    encode = {"list": list_response, "watch": watch_response}
    message = {"list": "ListInstancesResponse", "watch": "WatchResponse"}
    vectors = []
    for kind, name, r in cases():
        vectors.append({"name": name, "message": message[kind], "compact": b64(encode[kind](compact(r))), "expanded": b64(encode[kind](r))})
    reject = [{"name": name, "message": message[kind], "compact": b64(encode[kind](r))} for kind, name, r in rejects()]
    return {
        "format": "introspection-compact-v1 (protocol/COMPACT.md); generated by protocol/tools/compact_vectors.py",
        "vectors": vectors,
        "reject": reject,
    }


def main():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compact-vectors.json")
    text = json.dumps(build(), indent=2) + "\n"
    if "--check" in sys.argv:
        with open(path, encoding="utf-8") as f:
            if f.read() != text:
                print("protocol/compact-vectors.json is out of date: run protocol/tools/compact_vectors.py", file=sys.stderr)
                return 1
        return 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
