"""The corpus intent check (tests/src/intent.rs) for the Python replays: `check(intent,
envelope, unobservable=())` returns None when the envelope `{"ok": ..}` holds the case's stated
intent, else a message naming the difference.

`unobservable` names fact pointers a face's typed API does not return (e.g. a status list's
`uri` from the C function that reads one status value); those facts are not checked, and each
face lists them explicitly.
"""

import json

_MISSING = object()


def pointer(doc, ptr):
    """RFC 6901 JSON pointer lookup; _MISSING when there is no such member."""
    if ptr == "":
        return doc
    cur = doc
    for raw in ptr.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict):
            if key not in cur:
                return _MISSING
            cur = cur[key]
        elif isinstance(cur, list):
            if not key.isdigit() or int(key) >= len(cur):
                return _MISSING
            cur = cur[int(key)]
        else:
            return _MISSING
    return cur


def _same(a, b):
    # JSON equality: booleans are not numbers.
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def describe(env):
    if env.get("ok") is False:
        return f"error `{env.get('error', {}).get('code')}`"
    res = env.get("result")
    if isinstance(res, dict) and res.get("allowed") is False:
        return f"deny {sorted(r.get('code') for r in res.get('reasons', []))}"
    if isinstance(res, dict) and res.get("allowed") is True:
        return f"permit {json.dumps(res, sort_keys=True)}"
    return "ok"


def check(intent, env, unobservable=()):
    out = intent["outcome"]
    res = env.get("result")
    wrong = lambda want: f"intended {want}, got {describe(env)}"  # noqa: E731
    if out == "error":
        if env.get("ok") is False and env.get("error", {}).get("code") == intent["code"]:
            return None
        return wrong(f"error `{intent['code']}`")
    if out == "deny":
        if (env.get("ok") is True and isinstance(res, dict) and res.get("allowed") is False
                and sorted(r.get("code") for r in res.get("reasons", [])) == intent["codes"]):
            return None
        return wrong(f"deny {intent['codes']}")
    if out == "permit":
        if (env.get("ok") is True and isinstance(res, dict) and res.get("allowed") is True
                and sorted(res.get("fields", [])) == intent["fields"]
                and _same(res.get("transforms"), intent["transforms"])
                and _same(res.get("eraseBy"), intent["eraseBy"])):
            return None
        return wrong(f"permit of {intent['fields']} with {intent['transforms']}, eraseBy {intent['eraseBy']}")
    if out == "ok":
        if env.get("ok") is not True:
            return wrong("ok")
        for fact in intent["facts"]:
            (kind, arg), = fact.items()
            at = arg if kind == "absent" else arg[0]
            if at in unobservable:
                continue
            got = pointer(res, at)
            if kind == "is":
                holds = got is not _MISSING and _same(got, arg[1])
            elif kind == "not":
                holds = got is not _MISSING and not _same(got, arg[1])
            elif kind == "prefix":
                holds = isinstance(got, str) and got.startswith(arg[1])
            elif kind == "absent":
                holds = got is _MISSING
            else:
                return f"unknown fact kind {kind}"
            if not holds:
                shown = "nothing" if got is _MISSING else json.dumps(got)
                return f"intended `{at}` {kind} {json.dumps(arg)}, got {shown}"
        return None
    return f"unknown outcome {out}"
