// Live polls, the speaker queue and adopted jury recommendations (docs/juries.md), for the
// audience page (loaded lazily, when there is a poll), the stage view and the moderator console.
// User text only via textContent (el/userText), with dir="auto".
import { send, can, newId, onOther } from './live.js';
import { t, tn, el, userText, setText, num, announce } from './render.js';

const lang = document.documentElement.lang || 'en';
/** A poll text is {lang: text}: the page's language, else the first one given. */
export const pick = (texts) => (typeof texts === 'string' ? texts
  : texts?.[lang] ?? texts?.[lang.split('-')[0]] ?? Object.values(texts || {})[0] ?? '');

export const state = { polls: new Map(), myBallots: {}, speakers: { queue: [], floor: null }, recommendation: null, closedHere: null };

/**
 * Feed a socket message (juries.state, poll.*, speakers.updated, jury.recommendation.adopted,
 * stage.changed). Returns true when something shown may have changed.
 */
export function apply(m) {
  switch (m.type) {
    case 'juries.state':
      state.polls = new Map((m.polls || []).map((p) => [p.id, p]));
      state.myBallots = m.my_ballots || {};
      state.speakers = m.speakers || { queue: [], floor: null };
      return true;
    case 'poll.opened': state.polls.set(m.poll.id, m.poll); return true;
    case 'poll.closed': state.polls.set(m.poll.id, m.poll); state.closedHere = m.poll.id; return true;
    case 'poll.tally': {
      const p = state.polls.get(m.poll_id);
      if (p) state.polls.set(p.id, { ...p, counts: m.counts, ballots: m.ballots });
      return !!p;
    }
    case 'speakers.updated': state.speakers = { queue: m.queue || [], floor: m.floor || null }; return true;
    case 'jury.recommendation.adopted': state.recommendation = m.recommendation; return true;
    case 'stage.changed': if (m.question) state.recommendation = null; return true;
    default: return false;
  }
}

export const openPolls = () => [...state.polls.values()].filter((p) => p.status === 'open').sort((a, b) => b.id - a.id);
/** The poll a screen shows: the newest open one, else the one closed while this page was open. */
export const currentPoll = () => openPolls()[0] || state.polls.get(state.closedHere) || null;

// --- results: CSS bars, numbers as text ------------------------------------------------------

const total = (p) => Object.values(p.counts || {}).reduce((a, b) => a + b, 0);

function barsNode(p) {
  return el('ul', { class: 'poll-bars', 'data-bars': p.id }, p.options.map((o) => el('li', { 'data-option': o.id },
    el('span', { class: 'poll-label' }, userText('span', pick(o.label))),
    el('span', { class: 'poll-track', 'aria-hidden': 'true' }, el('span', { class: 'poll-bar' })),
    el('span', { class: 'poll-num' }, el('span', { class: 'poll-n', 'data-n': true }), ' ', el('span', { class: 'poll-pct' })))));
}

/** Update the bars of poll p in place (no rebuild: focus and screen readers stay put). */
export function updateBars(ul, p) {
  const sum = total(p);
  for (const li of ul.children) {
    const n = p.counts?.[li.dataset.option] ?? 0, pct = sum ? Math.round((100 * n) / sum) : 0;
    li.querySelector('.poll-bar').style.inlineSize = `${pct}%`;
    setText(li.querySelector('[data-n]'), num(n));
    setText(li.querySelector('.poll-pct'), `(${num(pct)}%)`);
  }
  const line = ul.parentNode?.querySelector('[data-ballots]');
  if (line) setText(line, tn('poll_ballots', p.ballots ?? sum));
}

// --- one poll card -----------------------------------------------------------------------------

function voteForm(p) {
  const type = p.kind === 'multiple' ? 'checkbox' : 'radio';
  return el('form', { class: 'poll-vote', 'data-poll-vote': p.id },
    el('fieldset', {}, el('legend', { class: 'sr-only' }, userText('span', pick(p.question))),
      p.options.map((o) => el('label', { class: 'check' },
        el('input', { type, name: `poll${p.id}`, value: o.id, required: type === 'radio' }), ' ', userText('span', pick(o.label))))),
    el('button', { type: 'submit', class: 'primary' }, t('poll_vote')));
}

/**
 * A poll card. mode: 'audience' (vote once, then results), 'stage' (results only),
 * 'moderate' (results and a close button).
 */
function pollNode(p, mode) {
  const voted = !!state.myBallots[p.id], open = p.status === 'open';
  const voting = mode === 'audience' && open && !voted && can('vote');
  const results = !voting;
  const card = el('article', { class: 'poll', 'data-poll': p.id, 'aria-labelledby': `pq${mode}${p.id}` },
    el('h3', { id: `pq${mode}${p.id}`, class: mode === 'stage' ? 'stage-text poll-q' : 'poll-q', dir: 'auto' }, pick(p.question)),
    el('p', { class: 'meta' }, el('span', { class: 'badge', 'data-status': open ? 'published' : 'ended' }, t(open ? 'poll_open' : 'poll_closed')),
      mode === 'audience' && voted ? t('poll_voted') : '', ' ', results && el('span', { 'data-ballots': true })),
    voting && voteForm(p),
    results && barsNode(p),
    mode === 'moderate' && open && el('button', { type: 'button', 'data-poll-close': p.id }, t('poll_close')));
  const bars = card.querySelector('[data-bars]');
  if (bars) updateBars(bars, p);
  return card;
}

const keyOf = (p, mode) => `${p.id}:${p.status}:${mode === 'audience' && !!state.myBallots[p.id]}`;

/** Keep box showing polls (cards keyed by id/status/voted; tallies updated in place). */
export function drawPolls(box, polls, mode) {
  const have = new Map([...box.querySelectorAll('[data-poll]')].map((n) => [n.dataset.k, n]));
  const nodes = polls.map((p) => {
    const k = keyOf(p, mode);
    let n = have.get(k);
    if (!n) { n = pollNode(p, mode); n.dataset.k = k; } else {
      const bars = n.querySelector('[data-bars]');
      if (bars) updateBars(bars, p);
    }
    return n;
  });
  const same = nodes.length === box.children.length && nodes.every((n, i) => box.children[i] === n);
  if (!same) box.replaceChildren(...nodes);
  return nodes.length > 0;
}

/** Audience: submit a ballot over the socket (one per participant, the server enforces it). */
export function bindVoting(box, onChange) {
  box.addEventListener('submit', (e) => {
    const f = e.target.closest('[data-poll-vote]');
    if (!f) return;
    e.preventDefault();
    const id = Number(f.dataset.pollVote);
    const option_ids = [...f.querySelectorAll('input:checked')].map((i) => Number(i.value));
    if (!option_ids.length) return;
    const client_id = newId();
    if (!send({ type: 'poll.vote', poll_id: id, option_ids, client_id })) return;
    state.myBallots[id] = option_ids; // shown as voted now; an error reply undoes it
    pending.set(client_id, id);
    onChange();
    announce(t('poll_voted'));
  });
}
const pending = new Map(); // client_id → poll id, until the reply
/** An error reply to a ballot: forget it (unless it says this participant already voted). */
export function voteFailed(m) {
  const id = pending.get(m.client_id);
  if (id == null || !pending.delete(m.client_id) || m.code === 'already_voted') return false;
  delete state.myBallots[id];
  return true;
}

// --- speakers ---------------------------------------------------------------------------------

/** Seconds left on the floor: started_at + allotted_seconds − now (server time in the payload). */
export const secondsLeft = (f) => Math.round((Date.parse(f.started_at) + f.allotted_seconds * 1000 - Date.now()) / 1000);
export function clock(s) {
  const a = Math.abs(s), m = Math.floor(a / 60), r = a % 60;
  return `${s < 0 ? '−' : ''}${num(m)}:${r < 10 ? num(0) : ''}${num(r)}`;
}

/** Floor and countdown into box (the countdown node refreshes every second). */
export function drawFloor(box, floor, cls = '') {
  const k = floor ? `${floor.id}:${floor.started_at}` : '';
  if (box.dataset.k !== k) {
    box.dataset.k = k;
    box.replaceChildren(...(floor
      ? [el('p', { class: `floor-label ${cls}` }, t('floor_now')), userText('p', floor.name, `floor-name ${cls}`),
        el('p', { class: 'floor-kind meta' }, t(`speak.${floor.kind}`)),
        el('p', { class: 'floor-timer', role: 'timer', 'aria-label': t('time_left'), 'data-timer': true })]
      : []));
    box.hidden = !floor;
  }
  tick(box, floor);
}
function tick(box, floor) {
  clearTimeout(box.tick);
  const n = box.querySelector('[data-timer]');
  if (!floor || !n) return;
  const s = secondsLeft(floor);
  setText(n, clock(s));
  n.classList.toggle('over', s < 0);
  box.tick = setTimeout(() => tick(box, floor), 1000 - (Date.now() % 1000) + 5);
}

/** fn(msg) gets poll.*, speakers.*, juries.state and jury.* messages from the live socket. */
export function tap(fn) {
  onOther((m) => { if (/^(poll|speakers|juries|jury|stage)\./.test(m?.type || '')) fn(m); });
}
