"""Schemathesis hooks for Tests/Schemathesis/run (loaded through SCHEMATHESIS_HOOKS).

Two rules the document states that a JSON Schema check cannot hold a generator to; a case that
breaks one is dropped instead of counting the server's 422 as a schema-valid request rejected:
- an opaque part's `json` is JSON text (`contentMediaType: application/json`), in a body's parts
  or in the parts of the result a commit carries: the fuzzing phase generates it so, the coverage
  phase does not;
- the call ids of one turn are unique (JSON Schema's `uniqueItems` compares whole calls).
Nothing else is filtered.
"""

import json

import schemathesis


def _refuse_constant(name):
    raise ValueError(name)


def _is_json_text(value):
    try:
        json.loads(value, parse_constant=_refuse_constant)
        return True
    except ValueError:
        return False


def _part_lists(body):
    # Parts sit in the body (a message, a result) or in the result a commit carries.
    if not isinstance(body, dict):
        return
    for holder in (body, body.get("result")):
        if isinstance(holder, dict) and isinstance(holder.get("parts"), list):
            yield holder["parts"]


def _opaque_json_texts(body):
    for parts in _part_lists(body):
        for part in parts:
            if isinstance(part, dict) and part.get("type") == "opaque" and isinstance(part.get("json"), str):
                yield part["json"]


def _call_ids_unique(body):
    calls = body.get("calls") if isinstance(body, dict) else None
    if not isinstance(calls, list):
        return True
    ids = [call.get("id") for call in calls if isinstance(call, dict) and isinstance(call.get("id"), str)]
    return len(ids) == len(set(ids))


@schemathesis.hook
def filter_case(context, case):
    # A case, not a body: the coverage phase applies case hooks only.
    return _call_ids_unique(case.body) and all(_is_json_text(text) for text in _opaque_json_texts(case.body))
