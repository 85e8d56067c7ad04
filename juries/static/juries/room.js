// Jury room (juries/room.html): kept live over the session socket (docs/juries.md) on top of
// the server-rendered page. Its forms still post as without JavaScript while the socket is
// down; while it is up they are sent over it, with client_ids. User text only via textContent.
import { connect, send, connected, newId, onOther } from '../frontend/js/live.js';
import { t, num, el, userText, setText, announce, flash, errorText, liveList, adopt, keepPlace } from '../frontend/js/render.js';

const app = document.getElementById('app');
const $ = (s) => app.querySelector(s);
const me = Number(app.dataset.me) || null;
const facilitator = 'facilitator' in app.dataset, juror = 'juror' in app.dataset;
const roundEl = $('#round'), roundBox = $('[data-round]'), roundEnd = $('[data-round-end]');
const listEl = $('[data-messages]'), recEl = $('[data-rec]');
const draftForm = $('[data-draft]'), drafting = $('[data-drafting]'), newerEl = $('[data-draft-newer]');
const finaliseForm = $('[data-finalise]'), historyEl = $('[data-history]');

// Room state as of `seq` (the jury.room.state reply, then every later event).
const room = { seq: 0, jurors: [], round: null, messages: new Map(), drafts: [], recommendation: null, ballots: 0, myVote: null };
const pending = new Map(); // client_id → {msg, form}: sent, no ack or error yet
let ready = false, stateId = null;

// The room's events and the jury.room.state reply: live.js hands on what its store does not keep.
onOther((m) => { if (typeof m?.type === 'string' && m.type.startsWith('jury.')) receive(m); });

// --- forms ------------------------------------------------------------------------------------
const csrf = () => document.querySelector('[name=csrfmiddlewaretoken]')?.value || '';
const hidden = (name, value) => el('input', { type: 'hidden', name, value: String(value ?? '') });
const form = (attrs, ...kids) => el('form', { method: 'post', ...attrs }, hidden('csrfmiddlewaretoken', csrf()), ...kids);
const button = (label, name, value) => el('button', { type: 'submit', name, value }, label);

/** The socket message a room form stands for (the same fields the page's POST reads). */
function message(f, submitter) {
  const v = (name) => f.elements[name]?.value ?? '';
  const n = (name) => (v(name) === '' ? undefined : Number(v(name)));
  switch (v('action')) {
    case 'message': return { type: 'jury.message.post', text: v('text').trim(), parent_id: n('parent_id') };
    case 'moderate': return { type: 'jury.message.moderate', message_id: n('message_id'), decision: submitter?.value, note: v('note').trim() };
    case 'round': return { type: 'jury.round.start', seconds: Number(v('minutes')) * 60, title: v('title').trim() };
    case 'round_end': return { type: 'jury.round.end' };
    case 'draft': return { type: 'jury.draft.save', text: v('text'), base_version: n('base_version') ?? 0, note: v('note').trim() };
    case 'finalise': return { type: 'jury.recommendation.finalise', version: n('version') };
    case 'vote': return { type: 'jury.recommendation.vote', recommendation_id: n('recommendation_id'), choice: submitter?.value };
    case 'close': return { type: 'jury.recommendation.close', recommendation_id: n('recommendation_id') };
    default: return null;
  }
}

app.addEventListener('submit', (e) => {
  const f = e.target, msg = message(f, e.submitter);
  if (!msg) return;
  if (!ready || !connected()) {
    // Posts as without JavaScript; a client_id keeps a double post to one message.
    if (f.elements.client_id && !f.elements.client_id.value) f.elements.client_id.value = newId();
    return;
  }
  e.preventDefault();
  if (msg.type === 'jury.message.post' && !msg.text) return flash(t('error.invalid_text'), true);
  if (msg.type !== 'jury.message.post' && [...pending.values()].some((p) => p.form === f)) return; // already on its way
  msg.client_id = newId();
  pending.set(msg.client_id, { msg, form: f });
  send(msg);
  if (msg.type === 'jury.message.post') {
    f.elements.text.value = '';
    const details = f.closest('details');
    if (details) details.open = false;
    drawMessages();
  }
});

// --- the round --------------------------------------------------------------------------------
let roundKey, tickT, lastLeft;
const endOf = (r) => (r && !r.ended_at ? Date.parse(r.started_at) + r.seconds * 1000 : NaN);
const clock = (ms) => new Date(ms).toLocaleTimeString(document.documentElement.lang || 'en', { hour: '2-digit', minute: '2-digit' });

function tick(end) {
  clearTimeout(tickT);
  const out = document.getElementById('round-left');
  if (!out || Number.isNaN(end)) return;
  const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
  setText(out, `(${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')})`);
  if (ready && lastLeft > 60 && left <= 60 && left > 0) announce(t('minute_left'));
  if (ready && lastLeft > 0 && left === 0) announce(t('time_up'));
  lastLeft = left;
  if (left > 0) tickT = setTimeout(() => tick(end), (end - Date.now()) % 1000 || 1000); // on the second
}

function drawRound() {
  const r = room.round, end = endOf(r), running = !Number.isNaN(end);
  const key = r ? `${r.id}:${r.ended_at}` : '';
  if (key === roundKey) return;
  roundKey = key;
  if (running) roundEl.dataset.endsAt = new Date(end).toISOString();
  else delete roundEl.dataset.endsAt;
  if (roundEnd) roundEnd.hidden = !running;
  roundBox.replaceChildren(...(r
    ? [`${t('round')} ${num(r.number)}`, r.title ? [': ', userText('span', r.title)] : '',
      running
        ? [' · ', t('ends_at'), ' ', el('time', { dateTime: new Date(end).toISOString(), id: 'round-ends' }, clock(end)), ' ',
          el('output', { id: 'round-left', 'aria-live': 'off' })]
        : [' · ', t('ended')]].flat(9)
    : [t('no_round')]));
  lastLeft = undefined;
  tick(end);
}

// --- messages ---------------------------------------------------------------------------------
const isMine = (m) => me != null && m.author?.participant_id === me;
const myName = () => room.jurors.find((j) => j.participant_id === me)?.display_name || '';

const list = liveList(listEl, {
  build: (m) => {
    const li = el('li', { class: 'question', id: typeof m.id === 'number' ? `m${m.id}` : null, 'data-id': m.id, 'data-parent': m.parent_id },
      el('p', { class: 'meta' }), userText('p', m.text, 'text'), el('div'));
    li.style.marginInlineStart = `${Math.min(m.depth, 8)}.5em`;
    return li;
  },
  update(li, m) {
    const r = m.reason, key = `${m.status}:${r?.code}:${r?.note}`;
    if (li.dataset.k === key) return;
    li.dataset.k = key;
    li.dataset.status = m.status;
    li.firstChild.replaceChildren(...[userText('span', m.author?.display_name), m.author?.facilitator ? ` · ${t('facilitator')}` : '',
      m.status !== 'published' ? [' · ', el('span', { class: 'badge', 'data-status': m.status }, t(`status.${m.status}`)),
        r ? [' ', el('span', {}, t(`reason.${r.code}`)), ' ', userText('span', r.note)] : ''] : ''].flat(9));
    const controls = li.lastChild;
    if (controls.contains(document.activeElement) && m.status === 'published') return;
    controls.replaceChildren(...(typeof m.id !== 'number' ? []
      : m.status === 'published' ? [el('details', {}, el('summary', {}, t('reply')),
        form({ 'data-reply': true }, hidden('action', 'message'), hidden('parent_id', m.id), hidden('client_id', ''),
          el('textarea', { name: 'text', rows: 2, required: true, dir: 'auto', 'aria-label': t('reply') }),
          el('button', { type: 'submit' }, t('reply'))))]
        : m.status === 'pending' && facilitator ? [form({ 'data-moderate': true }, hidden('action', 'moderate'), hidden('message_id', m.id),
          button(t('approve'), 'decision', 'approve'), ' ',
          el('input', { name: 'note', placeholder: t('reason_optional'), 'aria-label': t('reason_optional'), dir: 'auto' }), ' ',
          button(t('reject'), 'decision', 'reject'))]
          : []));
  },
});

/** Messages in thread order (each reply after its parent) with their depth; own unsent ones last. */
function thread() {
  const sending = [...pending.entries()].filter(([, p]) => p.msg.type === 'jury.message.post')
    .map(([id, p]) => ({ id: `c:${id}`, parent_id: p.msg.parent_id ?? null, text: p.msg.text, status: 'sending',
      author: { participant_id: me, display_name: myName(), facilitator }, reason: null }));
  const all = [...room.messages.values()].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id)).concat(sending);
  const ids = new Set(all.map((m) => m.id)), kids = new Map();
  for (const m of all) {
    const p = ids.has(m.parent_id) ? m.parent_id : null;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(m);
  }
  const out = [];
  const walk = (p, depth) => kids.get(p)?.forEach((m) => { out.push({ ...m, depth }); walk(m.id, depth + 1); });
  walk(null, 0);
  return out;
}
const drawMessages = () => { if (ready) keepPlace(() => list.sync(thread())); };

function upsert(m) {
  const old = room.messages.get(m.id);
  room.messages.set(m.id, { ...old, ...m });
  return old;
}

// --- drafts and the vote ----------------------------------------------------------------------
const base = () => Number(draftForm?.elements.base_version.value) || 0;
const draftText = (v) => room.drafts.find((d) => d.version === v)?.text ?? '';
function loadDraft(d) {
  draftForm.elements.text.value = d?.text ?? '';
  draftForm.elements.base_version.value = d?.version ?? 0;
}
let draftKey, historyCount;

function drawDrafts() {
  if (!draftForm) return;
  const latest = room.drafts.at(-1), voting = room.recommendation?.status === 'voting';
  drafting.hidden = voting;
  if (historyCount !== room.drafts.length) {
    historyCount = room.drafts.length;
    historyEl.hidden = historyCount < 2;
    historyEl.querySelector('ol').replaceChildren(...room.drafts.map((d) => el('li', {}, userText('span', d.author?.display_name),
      d.note ? [': ', userText('span', d.note)] : '', el('p', { dir: 'auto', style: 'white-space: pre-line' }, d.text))));
  }
  // A newer version replaces the text only if the reader has not changed it.
  if (latest && latest.version > base() && draftForm.elements.text.value.trim() === draftText(base()).trim()) loadDraft(latest);
  const key = `${latest?.version}:${base()}`;
  if (key === draftKey) return;
  draftKey = key;
  $('[data-draft-h]').replaceChildren(t('draft'), ...(latest
    ? [` · ${t('version')} ${num(latest.version)} `, el('span', { class: 'muted', dir: 'auto' }, `(${latest.author?.display_name || ''})`)] : []));
  const newer = latest && latest.version > base();
  newerEl.hidden = !newer;
  newerEl.replaceChildren(...(newer ? [el('p', {}, t('new_draft'), ` ${t('version')} ${num(latest.version)} (`, userText('span', latest.author?.display_name), ') ',
    el('button', { type: 'button', onclick: () => { loadDraft(room.drafts.at(-1)); drawDrafts(); draftForm.elements.text.focus(); } }, t('load_draft')))] : []));
  if (finaliseForm) {
    finaliseForm.hidden = !latest;
    finaliseForm.elements.version.value = latest?.version ?? '';
    if (latest) setText(finaliseForm.querySelector('button'), t('finalise', latest.version));
  }
}

let recKey;
const ballotsText = () => t('ballots', room.ballots).replace('{q}', num(room.recommendation?.quorum ?? 0));

function drawRecommendation() {
  const r = room.recommendation, key = r ? `${r.id}:${r.status}:${room.myVote}` : '';
  setText(recEl.querySelector('[data-ballots]'), ballotsText());
  if (key === recKey) return;
  recKey = key;
  if (r) recEl.dataset.status = r.status;
  else delete recEl.dataset.status;
  const voting = r?.status === 'voting', c = r?.counts;
  recEl.replaceChildren(...(!r ? [] : [
    el('p', {}, `${t('Version')} ${num(r.version)} · ${t(`rec.${r.status}`)}`),
    el('blockquote', { dir: 'auto', style: 'white-space: pre-line' }, r.text),
    ...(voting ? [
      el('p', { 'data-ballots': true }, ballotsText()),
      juror && !room.myVote && form({ 'data-vote': true }, hidden('action', 'vote'), hidden('recommendation_id', r.id),
        button(t('agree'), 'choice', 'agree'), ' ', button(t('disagree'), 'choice', 'disagree'), ' ', button(t('pass'), 'choice', 'pass')),
      room.myVote && el('p', { id: 'my-vote' }, `${t('you_voted')}: ${t(room.myVote)}`),
      facilitator && form({ 'data-close': true }, hidden('action', 'close'), hidden('recommendation_id', r.id), button(t('close_vote'))),
    ] : [
      el('p', {}, `${t('agree')} ${num(c?.agree ?? 0)} · ${t('disagree')} ${num(c?.disagree ?? 0)} · ${t('pass')} ${num(c?.pass ?? 0)}`),
      r.status === 'adopted' && el('p', {}, el('a', { href: app.dataset.recommendationsUrl }, t('public_record'))),
    ]),
  ].filter(Boolean)));
}

const draw = () => { drawRound(); drawMessages(); drawDrafts(); drawRecommendation(); };

// --- from the socket --------------------------------------------------------------------------
function applyState(m) {
  if (m.client_id !== stateId) return;
  Object.assign(room, { seq: m.seq, jurors: m.jurors, round: m.round, messages: new Map(m.messages.map((x) => [x.id, x])),
    drafts: m.drafts, recommendation: m.recommendation, ballots: m.ballots, myVote: m.my_vote });
  if (!ready) {
    ready = true;
    adopt(listEl); // live items replace the server-rendered ones in the same paint
    app.dataset.ready = '';
  }
  draw();
}

const EVENTS = {
  'jury.round.started'(m) {
    room.round = m.round;
    drawRound();
    announce(`${t('round_started')} ${t('round')} ${num(m.round.number)}${m.round.title ? `: ${m.round.title}` : ''}`);
  },
  'jury.round.ended'(m) {
    if (room.round && room.round.number > m.round.number) return;
    room.round = m.round;
    drawRound();
    announce(`${t('round_ended')} ${t('round')} ${num(m.round.number)}`);
  },
  'jury.message.published'(m) {
    const old = upsert(m.message);
    drawMessages();
    if (isMine(m.message)) { if (old && old.status !== 'published') announce(t('posted')); }
    else announce(`${t('new_message')} ${m.message.author.display_name}: ${m.message.text}`);
  },
  'jury.message.held'(m) {
    upsert(m.message);
    drawMessages();
    if (!isMine(m.message)) announce(`${t('held_message')} ${m.message.author.display_name}: ${m.message.text}`);
  },
  'jury.message.updated'(m) {
    const old = upsert(m.message);
    drawMessages();
    if (isMine(m.message) && old && old.status !== m.message.status && m.message.status === 'rejected') announce(t('not_published'));
  },
  'jury.draft.saved'(m) {
    if (!room.drafts.some((d) => d.version === m.draft.version)) room.drafts = [...room.drafts, m.draft].sort((a, b) => a.version - b.version);
    drawDrafts();
    if (m.draft.author?.participant_id !== me || me == null) announce(`${t('new_draft')} ${t('version')} ${num(m.draft.version)}`);
  },
  'jury.vote.opened'(m) {
    Object.assign(room, { recommendation: m.recommendation, ballots: 0, myVote: null });
    drawRecommendation();
    drawDrafts();
    announce(t('vote_opened'));
  },
  'jury.vote.cast'(m) {
    if (room.recommendation?.id !== m.recommendation_id) return;
    room.ballots = m.ballots;
    drawRecommendation();
  },
  'jury.vote.closed'(m) {
    room.recommendation = m.recommendation;
    drawRecommendation();
    drawDrafts();
    announce(`${t('vote_closed')} ${t(`rec.${m.recommendation.status}`)}`);
  },
  'jury.recommendation.adopted'(m) {
    if (room.recommendation?.id !== m.recommendation.id) return;
    room.recommendation = { ...room.recommendation, ...m.recommendation };
    drawRecommendation();
  },
};

function receive(m) {
  if (m.type === 'jury.room.state') return applyState(m);
  const apply = EVENTS[m.type];
  // Before the state arrives, and for events the state already holds: nothing to do.
  if (!apply || !ready || !(m.seq > room.seq)) return;
  room.seq = m.seq;
  apply(m);
}

// Sent again after a reconnect: these are safe to repeat (client_id, one vote, base version,
// one decision). Starting or ending a round, or a facilitator's message, are not.
const REPEATABLE = new Set(['jury.message.post', 'jury.message.moderate', 'jury.draft.save', 'jury.recommendation.vote', 'jury.recommendation.finalise', 'jury.recommendation.close']);
// Errors that only say a repeated message had already arrived.
const ARRIVED = new Set(['already_voted', 'already_decided', 'vote_open', 'vote_closed']);

function acked(m, p) {
  const { msg } = p;
  switch (msg.type) {
    case 'jury.message.post':
      if (!room.messages.has(m.message_id)) {
        upsert({ id: m.message_id, parent_id: msg.parent_id ?? null, text: msg.text, status: m.status, reason: null,
          author: { participant_id: me, display_name: myName(), facilitator }, created_at: new Date().toISOString() });
      }
      drawMessages();
      return flash(t({ published: 'posted', pending: 'in_review' }[m.status] || 'not_published'));
    case 'jury.draft.save':
      draftForm.elements.base_version.value = m.version;
      draftForm.elements.note.value = '';
      drawDrafts();
      return flash(t('draft_saved'));
    case 'jury.recommendation.vote':
      room.myVote = msg.choice;
      drawRecommendation();
      return flash(t('vote_recorded'));
    default:
      return flash(t('done'));
  }
}

function failed(m, p) {
  const { msg, form: f } = p;
  if (p.resent && (ARRIVED.has(m.code) || (m.code === 'draft_outdated' && room.drafts.at(-1)?.text === msg.text))) return;
  if (msg.type === 'jury.message.post') {
    drawMessages();
    if (f?.isConnected && !f.elements.text.value) f.elements.text.value = msg.text;
    return flash(`${t('not_sent')}: ${errorText(m)}`, true);
  }
  if (m.code === 'already_voted') send({ type: 'jury.room.state', client_id: (stateId = newId()) });
  flash(errorText(m), true);
}

if (draftForm) draftForm.elements.base_version.value ||= '0';
tick(Date.parse(roundEl?.dataset.endsAt || '')); // counts down before the socket is up, too

connect({
  onState() {
    // After every (re)connect: the room as it is now, then what was not acknowledged.
    stateId = newId();
    send({ type: 'jury.room.state', client_id: stateId });
    for (const [id, p] of pending) {
      if (REPEATABLE.has(p.msg.type) && !(p.msg.type === 'jury.message.post' && facilitator)) {
        p.resent = true;
        send(p.msg);
      } else {
        pending.delete(id);
        flash(t('not_sent'), true); // it may have arrived: the room state shows
      }
    }
  },
  onAck(m) {
    const p = pending.get(m.client_id);
    if (p && pending.delete(m.client_id)) acked(m, p);
  },
  onError(m) {
    const p = pending.get(m.client_id);
    if (p && pending.delete(m.client_id)) failed(m, p);
    else if (m.client_id && m.client_id === stateId) flash(errorText(m), true);
  },
});
