// Audience page (session.html): live lists over the server-rendered, no-JS forms.
import { connect, store, ask, send, outbox, question, isMine, can, stageQuestion, connected, newId, onOther } from './live.js';
import { t, el, userText, setText, questionNode, updateQuestion, stageNodes, liveList, adopt, keepPlace, postForm, urlFor, flash, errorText, announce } from './render.js';

const app = document.getElementById('app');
const $ = (s) => app.querySelector(s);
const listEl = $('[data-questions]'), mineEl = $('[data-mine]'), stageEl = $('[data-stage]'), form = $('form[data-ask]');
let sort = $('[data-sort][aria-current]')?.dataset.sort || 'votes', ready = false, stageKey, frame = 0;
// Right after a no-JS vote the server render knows this browser's votes best.
const domVoted = listEl.querySelector('.vote') && [...listEl.querySelectorAll('.vote [aria-pressed=true]')].map((b) => +b.closest('li').dataset.id);
const votes = new Map(); // client_id → {id, value} until acked

// "via SMS" (never the number) after the author's name.
const smsBadge = (q) => el('span', { class: 'badge sms' }, t('via_sms'));
function withSms(node, q) {
  const votes = node.querySelector('.meta [data-votes]'), meta = node.querySelector('.stage-meta, .meta');
  if (q?.source !== 'sms' || !meta) return node;
  if (votes) votes.before(smsBadge(q), ' · '); else meta.append(' · ', smsBadge(q));
  return node;
}

const list = liveList(listEl, {
  build: (q) => withSms(questionNode(q, can('vote') && postForm(urlFor(app.dataset.voteUrl, q.id), 'vote',
    el('input', { type: 'hidden', name: 'value' }), el('button', { type: 'submit' }))), q),
  update(li, q) {
    updateQuestion(li, q, store.stage === q.id);
    const b = li.querySelector('.vote button'), on = store.myVotes.has(q.id);
    if (!b) return;
    b.setAttribute('aria-pressed', on);
    setText(b, t(on ? 'withdraw' : 'upvote'));
    li.querySelector('.vote [name=value]').value = on ? 0 : 1;
  },
  hold: true,
  more: $('[data-more]'),
});

// Edit (in review, sent back, not published) and appeal (not published, hidden): the
// same forms as without JS, sent over the socket while it is up.
const EDITABLE = ['pending', 'needs_edit', 'rejected'], APPEALABLE = ['rejected', 'hidden'];
const live = () => store.session?.status === 'live';
function authorForms(q) {
  if (typeof q.id !== 'number' || q.appeal) return [];
  const box = (label, url, name, field, text) => el('details', {},
    el('summary', {}, t(label)),
    postForm(urlFor(mineEl.dataset[url], q.id), '', el('label', { for: `${name}${q.id}` }, t(field)),
      el('textarea', { id: `${name}${q.id}`, name, maxLength: name === 'text' ? 1000 : 500, rows: name === 'text' ? 3 : 2, required: true, dir: 'auto', value: text }),
      el('button', { type: 'submit' }, t(name === 'text' ? 'send_edit' : 'send_appeal'))));
  return [live() && EDITABLE.includes(q.status) && box('edit', 'editUrl', 'text', 'edit_text', q.text),
    store.session?.status !== 'ended' && APPEALABLE.includes(q.status) && box('appeal', 'appealUrl', 'note', 'appeal_note', '')].filter(Boolean);
}
const mine = mineEl && liveList(mineEl, {
  build: (q) => el('li', { 'data-id': q.id }, userText('p', q.text, 'text'),
    el('p', { class: 'meta' }, el('span', { class: 'badge' }), el('span'), userText('span', '')), el('div')),
  update(li, q) {
    const [badge, reason, note] = li.children[1].children, r = q.status !== 'published' && q.reason;
    setText(li.firstChild, q.text);
    badge.dataset.status = q.status;
    setText(badge, t(`status.${q.status}`));
    setText(reason, r ? ` — ${t(`reason.${r.code}`)}${r.note ? ': ' : ''}` : '');
    setText(note, (r ? r.note : '') + (q.appeal ? ` · ${t(`appeal.${q.appeal.status}`)}` : ''));
    const key = `${q.status}:${q.appeal?.status}:${store.session?.status}`;
    if (li.dataset.k !== key && !li.contains(document.activeElement)) { li.dataset.k = key; li.lastChild.replaceChildren(...authorForms(q)); }
  },
});

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const when = (q) => q.published_at || q.created_at;
const published = () => [...store.questions.values()].filter((q) => q.status === 'published').sort(sort === 'new'
  ? (a, b) => cmp(when(b), when(a)) || b.id - a.id
  : (a, b) => b.votes - a.votes || cmp(when(a), when(b)) || a.id - b.id);
// An unacknowledged resend whose question already came back (replayed after a drop)
// shows once: the server keeps one question per client_id.
const myItems = () => { const known = new Set([...store.questions.values()].filter(isMine).map((q) => q.text)); return outbox()
  .filter((i) => !known.has(i.text))
  .map((i) => ({ id: `c:${i.client_id}`, text: i.text, status: 'sending', answers: [], created_at: new Date(i.at).toISOString() }))
  .concat([...store.questions.values()].filter(isMine))
  .sort((a, b) => cmp(b.created_at, a.created_at)); };

function draw() {
  frame = 0;
  keepPlace(() => {
    list.sync(published());
    mine?.sync(myItems());
    const s = stageQuestion(), key = s ? `${s.id}:${s.answers.length}` : '';
    if (key !== stageKey) { stageKey = key; stageEl.replaceChildren(...stageNodes(s)); withSms(stageEl, s); }
  });
  const badge = $('[data-session-status]');
  badge.dataset.status = store.session.status;
  setText(badge, t(`session.${store.session.status}`));
}
const render = () => { if (ready) frame ||= requestAnimationFrame(draw); };

form?.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = form.elements.text.value.trim();
  if (!text) return flash(t('error.text_empty'), true);
  const { client_id } = ask(text);
  form.elements.text.value = '';
  if (!connected()) {
    flash(t('error.offline'));
    // Where sockets are blocked but HTTP works, post the no-JS form too: same client_id, one question.
    const body = new FormData(form);
    body.set('text', text);
    body.set('client_id', client_id);
    fetch(form.action, { method: 'POST', body }).catch(() => {});
  }
  render();
});

function applyVote(id, value) {
  const q = question(id);
  store.myVotes[value ? 'add' : 'delete'](id);
  store.questions.set(id, { ...q, votes: Math.max(0, q.votes + (value ? 1 : -1)) });
}

listEl.addEventListener('submit', (e) => {
  const id = +e.target.closest('li').dataset.id;
  if (!ready || !connected() || !question(id)) return; // then the form posts as without JS
  e.preventDefault();
  const value = store.myVotes.has(id) ? 0 : 1, client_id = newId();
  votes.set(client_id, { id, value });
  applyVote(id, value); // optimistic, rolled back on error
  send({ type: 'question.vote', question_id: id, value, client_id });
  render();
});

mineEl?.addEventListener('submit', (e) => {
  const f = e.target, id = +f.closest('li').dataset.id, field = f.elements.text || f.elements.note;
  if (!ready || !connected() || !field.value.trim()) return; // the form posts as without JS
  e.preventDefault();
  send(f.elements.text ? { type: 'question.edit', question_id: id, text: field.value.trim(), client_id: newId() }
    : { type: 'question.appeal', question_id: id, note: field.value.trim(), client_id: newId() });
  f.closest('details').open = false;
});

for (const a of app.querySelectorAll('[data-sort]')) {
  a.addEventListener('click', (e) => {
    if (!ready) return;
    e.preventDefault();
    sort = a.dataset.sort;
    for (const b of app.querySelectorAll('[data-sort]')) b.setAttribute('aria-current', b === a);
    history.replaceState(null, '', `?sort=${sort}`);
    keepPlace(() => list.sync(published(), true));
    if (listEl.getBoundingClientRect().top < 0) listEl.scrollIntoView();
  });
}

// --- polls (docs/juries.md): polls.js loads only once there is a poll ------------------------
// live.js passes on only the question events, so this page watches the same socket for poll ones.
const pollSection = $('[data-polls-section]');
let polls, lastState, early = [];
function pollMessage(m) {
  if (polls) return polls.take(m);
  if (m.type === 'juries.state') { lastState = m; early = []; }
  else if (m.type.startsWith('poll.')) early.push(m);
  if (polls === undefined && (m.type === 'poll.opened' || m.polls?.some((p) => p.status === 'open'))) {
    polls = null;
    import('./polls.js').then((mod) => {
      const box = $('[data-polls]'), pick = () => mod.currentPoll();
      const show = () => { const p = pick(); pollSection.hidden = !mod.drawPolls(box, p ? [p] : [], 'audience'); };
      mod.bindVoting(box, show);
      polls = { take: (x) => { if (mod.apply(x)) show(); }, failed: (x) => { if (mod.voteFailed(x)) show(); } };
      [lastState, ...early].forEach((x) => x && mod.apply(x));
      early = [];
      show();
    });
  }
}
onOther((m) => { if (/^(poll|juries)\./.test(m?.type || '')) pollMessage(m); });

connect({
  onState() {
    send({ type: 'juries.state' });
    if (ready) return render();
    ready = true;
    if (domVoted && can('vote')) store.myVotes = new Set(domVoted);
    adopt(listEl);
    if (mineEl) adopt(mineEl);
    $('[data-refresh]')?.remove();
    draw(); // now, so the swap from server markup never paints half-done
  },
  onEvent(m) {
    if (m.type === 'question.published' && !isMine(m.question)) announce(`${t('new_published')} ${m.question.text}`);
    render();
  },
  onAck(m) {
    votes.delete(m.client_id);
    if (m.for === 'question.edit' || m.for === 'question.appeal') flash(t('done'));
    render();
  },
  onError(m) {
    polls?.failed?.(m);
    const v = votes.get(m.client_id);
    if (v && votes.delete(m.client_id) && question(v.id)) applyVote(v.id, 1 - v.value);
    flash(m.item ? `${t('not_sent')}: ${errorText(m)}` : errorText(m), true);
    if (m.item && form && !form.elements.text.value) form.elements.text.value = m.item.text;
    render();
  },
});
