// The corpus intent check (tests/src/intent.rs) for the npm replays: `check(intent, envelope,
// unobservable)` returns null when the envelope `{ok, result | error}` holds the case's stated
// intent, else a message naming the difference. Deny codes and permit fields are compared as
// sets (sorted); `unobservable` lists fact pointers a face's API does not return (none today).

const MISSING = Symbol('missing');

/** RFC 6901 JSON pointer lookup; MISSING when there is no such member. */
export function pointer(doc, ptr) {
  if (ptr === '') return doc;
  let cur = doc;
  for (const raw of ptr.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key) || Number(key) >= cur.length) return MISSING;
      cur = cur[Number(key)];
    } else if (cur && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, key)) return MISSING;
      cur = cur[key];
    } else {
      return MISSING;
    }
  }
  return cur;
}

/** Canonical JSON (sorted keys). */
export function canon(v) {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const same = (a, b) => canon(a) === canon(b);
const reasonCodes = (res) => (res.reasons ?? []).map((r) => r.code).sort();

function describe(env) {
  if (env.ok === false) return `error \`${env.error?.code}\``;
  const res = env.result;
  if (res && res.allowed === false) return `deny ${JSON.stringify(reasonCodes(res))}`;
  if (res && res.allowed === true) return `permit ${canon(res)}`;
  return 'ok';
}

export function check(intent, env, unobservable = new Set()) {
  const res = env.result;
  const wrong = (want) => `intended ${want}, got ${describe(env)}`;
  switch (intent.outcome) {
    case 'error':
      return env.ok === false && env.error?.code === intent.code ? null : wrong(`error \`${intent.code}\``);
    case 'deny':
      return env.ok === true && res?.allowed === false && same(reasonCodes(res), intent.codes)
        ? null : wrong(`deny ${JSON.stringify(intent.codes)}`);
    case 'permit':
      return env.ok === true && res?.allowed === true && same([...(res.fields ?? [])].sort(), intent.fields)
        && same(res.transforms, intent.transforms) && same(res.eraseBy, intent.eraseBy)
        ? null : wrong(`permit of ${JSON.stringify(intent.fields)} with ${canon(intent.transforms)}, eraseBy ${intent.eraseBy}`);
    case 'ok': {
      if (env.ok !== true) return wrong('ok');
      for (const fact of intent.facts) {
        const [[kind, arg]] = Object.entries(fact);
        const at = kind === 'absent' ? arg : arg[0];
        if (unobservable.has(at)) continue;
        const got = pointer(res, at);
        const holds = {
          is: () => got !== MISSING && same(got, arg[1]),
          not: () => got !== MISSING && !same(got, arg[1]),
          prefix: () => typeof got === 'string' && got.startsWith(arg[1]),
          absent: () => got === MISSING,
        }[kind];
        if (!holds) return `unknown fact kind ${kind}`;
        if (!holds()) return `intended \`${at}\` ${kind} ${JSON.stringify(arg)}, got ${got === MISSING ? 'nothing' : JSON.stringify(got)}`;
      }
      return null;
    }
    default:
      return `unknown outcome ${intent.outcome}`;
  }
}
