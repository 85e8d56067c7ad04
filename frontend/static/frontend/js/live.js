// Shared live client (docs/protocol.md): one socket, resume by seq, outbox for questions.
const app = document.getElementById('app');
const code = app.dataset.code;
// Per session and per viewer: what a socket may see depends on who it is.
const cacheKey = `th:${code}:${app.dataset.viewer || ''}`;
const boxKey = `th:outbox:${code}`;
const RETRY = { rate_limited: 20000, internal_error: 5000, session_paused: 0 }; // 0: when live again

export const store = { seq: 0, session: null, you: null, stage: null, questions: new Map(), myVotes: new Set() };

let ws, h, attempt = 0, retryT, pingT, deadT, saveT, synced, stopped;

const load = (s, k) => { try { return JSON.parse(s.getItem(k)); } catch { return null; } };
const keep = (s, k, v) => { try { s.setItem(k, JSON.stringify(v)); } catch { /* full or off */ } };

export const newId = () => crypto.randomUUID?.() || [...crypto.getRandomValues(new Uint8Array(16))].map((x) => x.toString(16).padStart(2, '0')).join('');

export const question = (id) => store.questions.get(Number(id));
export const isMine = (q) => !!store.you?.participant && q.author?.id === store.you.participant.id;
export const can = (c) => !!store.you?.capabilities?.includes(c);
export const stageQuestion = () => (store.stage == null ? null : question(store.stage) || null);
// Upsert merges: a moderator keeps a queue item's `review` when a later event lacks it.
const put = (q) => q && store.questions.set(q.id, { ...question(q.id), ...q });
const patch = (id, p) => { const q = question(id); if (q) put({ ...q, ...p(q) }); };

function apply(m) {
  switch (m.type) {
    case 'question.published': case 'question.updated': case 'queue.added': case 'appeal.added': put(m.question); break;
    case 'question.removed':
      patch(m.question_id, () => ({ status: m.reason, merged_into: m.merged_into ?? null }));
      if (store.stage === m.question_id) store.stage = null;
      break;
    case 'stage.changed': put(m.question); store.stage = m.question ? m.question.id : null; break;
    case 'answer.posted':
      patch(m.question_id, (q) => ({ answered: true, answers: q.answers.filter((a) => a.id !== m.answer.id).concat(m.answer) }));
      break;
    case 'tally': for (const [id, votes] of Object.entries(m.counts)) patch(id, () => ({ votes })); break;
    case 'session.updated': store.session = m.session; if (m.session.status === 'live') flush(); break;
    default: return false;
  }
  return true;
}

// Store and seq outlive a reload of the tab, which resumes with ?since.
const saveNow = () => keep(sessionStorage, cacheKey, { ...store, questions: [...store.questions.values()], myVotes: [...store.myVotes] });
const save = () => { clearTimeout(saveT); saveT = setTimeout(saveNow, 1000); };
function hydrate() {
  const c = load(sessionStorage, cacheKey);
  if (c?.seq && c.you) Object.assign(store, c, { questions: new Map(c.questions.map((q) => [q.id, q])), myVotes: new Set(c.myVotes) });
}

// Outbox: questions stay in localStorage until an ack or a final error.
export const outbox = () => load(localStorage, boxKey) || [];
const setBox = (items) => keep(localStorage, boxKey, items);
const drop = (id) => setBox(outbox().filter((i) => i.client_id !== id));
const flush = () => outbox().forEach((i) => send({ type: 'question.ask', text: i.text, client_id: i.client_id }));

export function ask(text) {
  const item = { client_id: newId(), text, at: Date.now() };
  setBox(outbox().concat(item));
  send({ type: 'question.ask', text, client_id: item.client_id });
  return item;
}

export const connected = () => ws?.readyState === 1;
export function send(msg) {
  if (!connected()) return false;
  ws.send(JSON.stringify(msg));
  return true;
}

function conn(state) {
  for (const e of document.querySelectorAll('[data-conn]')) {
    if (e.dataset.state !== state) { e.dataset.state = state; e.textContent = e.dataset[state] || state; }
  }
}

function ready() {
  if (synced) return;
  synced = true; attempt = 0;
  conn('connected');
  h.onState?.(store);
}

function receive(ev) {
  let m;
  try { m = JSON.parse(ev.data); } catch { return; }
  clearTimeout(deadT);
  if (m.seq > store.seq) store.seq = m.seq; // pong: everything up to seq was passed on
  const item = m.client_id && outbox().find((i) => i.client_id === m.client_id);
  switch (m.type) {
    case 'session.state':
      store.session = m.session; store.you = m.you; store.questions = new Map();
      [m.questions, m.my_questions, m.queue, m.appeals, [m.stage]].forEach((l) => l?.forEach(put));
      store.stage = m.stage ? m.stage.id : null;
      store.myVotes = new Set(m.my_votes || []);
      synced = false;
    // falls through
    case 'pong': ready(); save(); return;
    case 'ack':
      if (item) {
        drop(item.client_id);
        // Provisional until the question's own event (right after the ack).
        question(m.question_id) || put({ id: m.question_id, text: item.text, status: m.status, author: store.you?.participant,
          votes: 0, answers: [], reason: m.reason && { code: m.reason }, created_at: new Date().toISOString() });
      }
      h.onAck?.(m); return;
    case 'error':
      if (item) {
        const wait = RETRY[m.code];
        if (wait) setTimeout(flush, wait);
        else if (wait == null) { m.item = item; drop(item.client_id); }
      }
      h.onError?.(m); return;
  }
  if (apply(m)) { save(); if (synced) h.onEvent?.(m, store); }
  else others.forEach((fn) => fn(m));
}

// Messages this store does not keep (polls, speakers, juries) go to these.
const others = [];
/** Call fn(msg) for every message that is not a question event, ack or error. */
export function onOther(fn) { others.push(fn); }

function open() {
  clearTimeout(retryT);
  if (stopped || (ws && ws.readyState <= 1)) return;
  synced = false;
  const s = ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${app.dataset.ws}${store.seq ? `?since=${store.seq}` : ''}`);
  s.onopen = () => { send({ type: 'ping' }); flush(); clearInterval(pingT); pingT = setInterval(beat, 25000); };
  s.onmessage = receive;
  s.onclose = (e) => {
    if (s !== ws) return;
    clearInterval(pingT); clearTimeout(deadT);
    if (e.code === 4404 || e.code === 4403) { stopped = true; conn('offline'); } else retry();
  };
}

// Pings keep mobile NATs open; no reply in 10 s: the link died quietly.
function beat() {
  if (!send({ type: 'ping' })) return;
  clearTimeout(deadT);
  deadT = setTimeout(() => { const s = ws; ws = null; s?.close(); retry(); }, 10000);
}

function retry() {
  clearTimeout(retryT);
  if (stopped) return;
  conn(navigator.onLine === false ? 'offline' : 'reconnecting');
  // 1 s → 30 s, jitter so a whole mast's phones do not return at once.
  retryT = setTimeout(open, Math.min(30000, 1000 * 2 ** attempt++) * (0.5 + Math.random() / 2));
}

const now = () => { attempt = 0; open(); };

/** Open the live connection. Handlers: onState(store), onEvent(msg, store), onAck(msg), onError(msg). */
export function connect(handlers = {}) {
  h = handlers;
  hydrate();
  conn('reconnecting');
  addEventListener('online', now);
  addEventListener('offline', () => conn('offline'));
  addEventListener('pagehide', () => { clearTimeout(saveT); saveNow(); });
  document.addEventListener('visibilitychange', () => document.hidden || connected() || now());
  open();
}
