// The portal page: verify with the npm package's portal module (`consentry/portal/web`: verify,
// inspect, status lists and identifiers; decide, pseudonymisation and issuing stay in the full
// module for Node services), then render. Account Aggregator consents are verified and shown
// with the portal-aa module (`consentry/portal-aa/web`: the portal module plus AaTrust,
// aaVerify and aaDisplay), loaded only when the reader opens one, so the page's first load stays
// the portal module's. Every check is the core's (through WebAssembly); this file only moves
// values between the page and the package.
import init, { TrustStore, Verifier, ConsentryError, idValidate, idMask } from './consentry/portal/web/consentry_wasm.js';

const $ = (id) => document.getElementById(id);
const out = $('out');

/** Plain-language help for the codes a reader of a receipt is likely to meet. */
const HELP = {
  signature_invalid: 'The artefact was changed after it was signed, or was not signed by this issuer.',
  key_unknown_kid: 'The artefact was signed by a key that is not among the trusted issuer keys.',
  expired: 'This consent has expired.',
  not_yet_valid: 'This consent is not valid yet.',
  audience_mismatch: 'This consent was not given to your organisation.',
  revoked: 'The data principal has withdrawn this consent.',
  suspended: 'The data principal has paused this consent.',
  request_invalid: 'The input is not in the expected form.',
};

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

const fmtDate = (s) => new Date(s * 1000).toLocaleDateString('en-IN', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'Asia/Kolkata' });
const fmtDuration = (s) => (s % 86400 === 0 ? `${s / 86400} days` : s % 3600 === 0 ? `${s / 3600} hours` : `${s} s`);

function statusText(st) {
  switch (st.state) {
    case 'none': return ['No status list (cannot be withdrawn through a list)', 'muted'];
    case 'not_checked': return [`Not checked: list at ${st.uri} not supplied`, 'warn'];
    case 'valid': return [`Active (checked against the status list${st.list.state === 'fresh' ? '' : `, list ${st.list.state}`})`, 'ok'];
    default: return [`Status ${st.state}`, 'warn'];
  }
}

function renderReceipt(v) {
  const c = v.claims;
  const k = c.consent;
  const [status, statusClass] = statusText(v.status);
  const now = Date.now() / 1000;
  const days = Math.floor((c.exp - now) / 86400);
  const rows = [
    ['Issued by', c.iss],
    ['Data principal', `${c.sub} (pseudonymous id)`],
    ['Given to', Array.isArray(c.aud) ? c.aud.join(', ') : c.aud],
    ['Valid', `${fmtDate(c.nbf ?? c.iat)} – ${fmtDate(c.exp)}${days >= 0 ? ` (${days} days left)` : ''}`],
    ['Status', el('span', { class: statusClass, id: 'status' }, status)],
    ['Legal basis', k.basis === 'consent' ? 'Consent (DPDP Act s.6)' : k.basis],
    ['Notice', `${k.notice.id} (${k.notice.lang})`],
  ];
  if (k.grantor) rows.push(['Given by', `${k.grantor.role} on behalf of the principal`]);
  if (k.child) rows.push(['Child', 'Yes: verifiable parental consent']);
  if (k.range) rows.push(['Data covered', `${fmtDate(k.range.from)} – ${fmtDate(k.range.to)}`]);

  const purposes = el('table', { class: 'purposes' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Purpose'), el('th', {}, 'Use'), el('th', {}, 'Fields'), el('th', {}, 'Keep for'))),
    el('tbody', {}, ...k.purposes.map((g) => el('tr', {},
      el('td', {}, el('code', {}, g.purpose)),
      el('td', {}, g.mode),
      el('td', {}, el('ul', {}, ...g.fields.map((f) => el('li', {}, el('code', {}, f))))),
      el('td', {}, g.data_life ? fmtDuration(g.data_life) : 'until expiry')))));

  out.replaceChildren(el('article', { class: 'receipt', id: 'receipt' },
    el('h2', {}, el('span', { class: 'badge ok' }, '✓ Verified'), ' Consent artefact'),
    el('dl', {}, ...rows.flatMap(([dt, dd]) => [el('dt', {}, dt), el('dd', {}, dd)])),
    el('h3', {}, 'Purposes and fields'),
    purposes,
    el('p', { class: 'hint' }, `Signed with ${v.alg}, key ${v.kid.slice(0, 12)}…`)));
}

function renderError(e, AaError) {
  const known = e instanceof ConsentryError || (AaError !== undefined && e instanceof AaError);
  out.replaceChildren(el('article', { class: 'error', id: 'error', role: 'alert' },
    el('h2', {}, el('span', { class: 'badge bad' }, '✗ Not verified')),
    el('p', { class: 'big' }, (known && HELP[e.code]) || 'This artefact cannot be relied on.'),
    el('p', {}, el('code', { id: 'error-code' }, known ? `${e.code} (${e.numericCode})` : 'error'), ' ', e.message)));
}

/** The portal-aa module, loaded on first use. */
let portalAa;
async function loadPortalAa() {
  if (!portalAa) {
    const m = await import('./consentry/portal-aa/web/consentry_wasm.js');
    await m.default();
    portalAa = m;
  }
  return portalAa;
}

const fmtDateTime = (s) => new Date(s * 1000).toLocaleString('en-IN', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Kolkata' });

/** The display view of a verified AA consent (`aaDisplay`): nothing is re-derived here. */
function renderAa(d, evidenceOnly) {
  const p = d.purpose;
  const life = d.dataLife.unit === 'INF' ? 'no limit' : `${d.dataLife.value} ${d.dataLife.unit.toLowerCase()}${d.dataLife.value === 1 ? '' : 's'}`;
  const rows = [
    ['Signed by', `${d.issuer} (Account Aggregator)`],
    ['Given to', d.recipient],
    ['Purpose', `${p.name ?? p.text ?? p.code} (${p.code}${p.category ? `, ${p.category}` : ''})`],
    ['Use', d.mode],
    ['Valid', `${d.window.from != null ? fmtDateTime(d.window.from) : '…'} – ${fmtDateTime(d.window.to)}${evidenceOnly ? ' (window not checked)' : ''}`],
    ['Financial information', d.fiTypes.join(', ')],
    ['Consent types', d.consentTypes.join(', ')],
    ['Keep data for', life],
    ['Fetches', d.frequency.unit === 'INF' ? 'not limited' : `${d.frequency.value} per ${d.frequency.unit.toLowerCase()}`],
  ];
  if (d.fiDataRange) rows.push(['Data covered', `${fmtDate(d.fiDataRange.from)} – ${fmtDate(d.fiDataRange.to)}`]);
  out.replaceChildren(el('article', { class: 'receipt', id: 'aa-receipt' },
    el('h2', {}, el('span', { class: 'badge ok' }, '✓ Verified'), ' Account Aggregator consent'),
    el('dl', {}, ...rows.flatMap(([dt, dd]) => [el('dt', {}, dt), el('dd', {}, dd)])),
    el('h3', {}, 'Fields'),
    el('ul', {}, ...d.fields.map((f) => el('li', {}, el('code', {}, f)))),
    el('p', { class: 'hint' }, `Signed with ${d.kid.slice(0, 12)}…; evidence (SHA-256 of the JWS) ${d.evidence.slice(0, 16)}…`)));
}

async function verifyAa() {
  try {
    const m = await loadPortalAa();
    const issuer = $('aa-issuer').value.trim();
    const evidenceOnly = $('aa-evidence-only').checked;
    const trust = new m.AaTrust($('aa-keys').value);
    const d = m.aaDisplay($('aa-jws').value.trim(), trust, { ...(issuer ? { issuer } : {}), ...(evidenceOnly ? { checkWindow: false } : {}) });
    renderAa(d, evidenceOnly);
  } catch (e) {
    renderError(e, portalAa?.ConsentryError);
  }
}

async function loadAaSample() {
  const r = await fetch('aa-sample.json');
  if (!r.ok) return false;
  const s = await r.json();
  $('aa-box').open = true;
  $('aa-jws').value = s.jws;
  $('aa-keys').value = JSON.stringify(s.keys, null, 1);
  $('aa-issuer').value = s.issuer ?? '';
  $('aa-evidence-only').checked = Boolean(s.evidenceOnly);
  return true;
}

function verify() {
  try {
    const trust = new TrustStore();
    trust.addJwks($('trust').value);
    const list = $('statusList').value.trim();
    const verified = new Verifier(trust).verify($('artefact').value.trim(), $('audience').value.trim(),
      list ? { statusList: list } : {});
    renderReceipt(verified);
  } catch (e) {
    renderError(e);
  }
}

async function loadSample() {
  const r = await fetch('sample.json');
  if (!r.ok) return false;
  const s = await r.json();
  $('artefact').value = s.artefact;
  $('trust').value = JSON.stringify(s.trust, null, 1);
  $('audience').value = s.audience;
  $('statusList').value = s.statusList ?? '';
  return true;
}

/**
 * The Aadhaar box: validation (Verhoeff) and masking are the core's (`idValidate`, `idMask`),
 * never re-implemented here.
 */
function setupAadhaar() {
  $('aadhaar-box').hidden = false;
  $('aadhaar').addEventListener('input', () => {
    const value = $('aadhaar').value;
    const res = $('aadhaar-result');
    if (!value.trim()) { res.textContent = ''; res.className = 'hint'; return; }
    try {
      const r = idValidate('aadhaar', value);
      if (r.valid) {
        res.className = 'ok';
        res.textContent = `✓ Valid Aadhaar number: ${idMask('aadhaar', value).masked}`;
      } else {
        res.className = 'warn';
        res.textContent = `Not a valid Aadhaar number (${r.error.message})`;
      }
    } catch (e) {
      res.className = 'warn';
      res.textContent = e instanceof ConsentryError ? `Not valid (${e.code})` : String(e);
    }
  });
}

await init();
$('form').addEventListener('submit', (ev) => { ev.preventDefault(); verify(); });
$('sample').addEventListener('click', async () => { if (await loadSample()) verify(); });
$('aa-verify').addEventListener('click', verifyAa);
$('aa-sample').addEventListener('click', async () => { if (await loadAaSample()) await verifyAa(); });
setupAadhaar();
if (await loadSample()) verify(); else out.replaceChildren(el('p', { class: 'hint' }, 'Paste an artefact and the issuer keys, then Verify.'));
document.body.dataset.ready = 'true';
