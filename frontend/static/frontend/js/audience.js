// Audience page (session.html): live lists over the server-rendered, no-JS forms.
import { connect, store, ask, send, outbox, question, isMine, can, stageQuestion, connected, newId } from './live.js';
import { t, el, userText, setText, questionNode, updateQuestion, stageNodes, liveList, adopt, keepPlace, postForm, urlFor, flash, errorText } from './render.js';

const app = document.getElementById('app');
const $ = (s) => app.querySelector(s);
const listEl = $('[data-questions]'), mineEl = $('[data-mine]'), stageEl = $('[data-stage]'), form = $('form[data-ask]');
let sort = $('[data-sort][aria-current]')?.dataset.sort || 'votes', ready = false, stageKey, frame = 0;
// Right after a no-JS vote the server render knows this browser's votes best.
const domVoted = listEl.querySelector('.vote') && [...listEl.querySelectorAll('.vote [aria-pressed=true]')].map((b) => +b.closest('li').dataset.id);
const votes = new Map(); // client_id → {id, value} until acked

const list = liveList(listEl, {
  build: (q) => questionNode(q, can('vote') && postForm(urlFor(app.dataset.voteUrl, q.id), 'vote',
    el('input', { type: 'hidden', name: 'value' }), el('button', { type: 'submit' }))),
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

const mine = mineEl && liveList(mineEl, {
  build: (q) => el('li', { 'data-id': q.id }, userText('p', q.text, 'text'),
    el('p', { class: 'meta' }, el('span', { class: 'badge' }), el('span'), userText('span', ''))),
  update(li, q) {
    const [badge, reason, note] = li.lastChild.children, r = q.status !== 'published' && q.reason;
    badge.dataset.status = q.status;
    setText(badge, t(q.status === 'sending' ? 'sending' : `status.${q.status}`));
    setText(reason, r ? ` — ${t(`reason.${r.code}`)}${r.note ? ': ' : ''}` : '');
    setText(note, (r ? r.note : '') + (q.appeal ? ` · ${t(`appeal.${q.appeal.status}`)}` : ''));
  },
});

const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const when = (q) => q.published_at || q.created_at;
const published = () => [...store.questions.values()].filter((q) => q.status === 'published').sort(sort === 'new'
  ? (a, b) => cmp(when(b), when(a)) || b.id - a.id
  : (a, b) => b.votes - a.votes || cmp(when(a), when(b)) || a.id - b.id);
const myItems = () => outbox()
  .map((i) => ({ id: `c:${i.client_id}`, text: i.text, status: 'sending', created_at: new Date(i.at).toISOString() }))
  .concat([...store.questions.values()].filter(isMine))
  .sort((a, b) => cmp(b.created_at, a.created_at));

function draw() {
  frame = 0;
  keepPlace(() => {
    list.sync(published());
    mine?.sync(myItems());
    const s = stageQuestion(), key = s ? `${s.id}:${s.answers.length}` : '';
    if (key !== stageKey) { stageKey = key; stageEl.replaceChildren(...stageNodes(s)); }
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

connect({
  onState() {
    if (ready) return render();
    ready = true;
    if (domVoted && can('vote')) store.myVotes = new Set(domVoted);
    adopt(listEl);
    if (mineEl) adopt(mineEl);
    $('[data-refresh]')?.remove();
    draw(); // now, so the swap from server markup never paints half-done
  },
  onEvent: render,
  onAck(m) { votes.delete(m.client_id); render(); },
  onError(m) {
    const v = votes.get(m.client_id);
    if (v && votes.delete(m.client_id) && question(v.id)) applyVote(v.id, 1 - v.value);
    flash(m.item ? `${t('not_sent')}: ${errorText(m)}` : errorText(m), true);
    if (m.item && form && !form.elements.text.value) form.elements.text.value = m.item.text;
    render();
  },
});
