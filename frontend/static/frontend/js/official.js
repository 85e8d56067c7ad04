// Official console (official.html): published questions and the stage, live; answers via answer.post.
import { connect, store, send, stageQuestion, connected, newId } from './live.js';
import { t, el, setText, questionNode, updateQuestion, stageNodes, liveList, adopt, keepPlace, postForm, urlFor, flash, errorText } from './render.js';

const app = document.getElementById('app');
const $ = (s) => app.querySelector(s);
const listEl = $('[data-questions]'), stageEl = $('[data-stage]');
let ready = false, stageKey = '', frame = 0, uid = 0;

const field = (label, input) => { const id = `f${++uid}`; input.id = id; return [el('label', { for: id }, label), input]; };

// The same fields as the no-JS form: it still posts when the socket is down.
function answerForm(id) {
  return postForm(urlFor(app.dataset.answerUrl, id), 'answer-form',
    field(t('answer_text'), el('textarea', { name: 'text', maxLength: 4000, rows: 3, dir: 'auto' })),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'live' }), ` ${t('answer_live')}`),
    el('fieldset', {}, el('legend', {}, t('commitment_text')),
      field(t('commitment'), el('input', { name: 'commitment', maxLength: 500, dir: 'auto' })),
      field(t('due_date'), el('input', { type: 'date', name: 'due_date' }))),
    el('button', { type: 'submit', class: 'primary' }, t('post_answer')));
}

const list = liveList(listEl, {
  build: (q) => questionNode(q, el('div', { class: 'actions' },
    el('button', { type: 'button', 'data-act': 'answer', 'aria-expanded': 'false' }, t('answer')),
    el('button', { type: 'button', 'data-act': 'answered' }, t('mark_answered')))),
  update(li, q) {
    updateQuestion(li, q, store.stage === q.id);
    li.querySelector('[data-act=answered]').disabled = q.answered;
  },
  hold: true,
  more: $('[data-more]'),
});

function draw() {
  frame = 0;
  if (!ready) return;
  const qs = [...store.questions.values()].filter((q) => q.status === 'published');
  // The question on stage first: that is the one being answered now.
  qs.sort((a, b) => (b.id === store.stage) - (a.id === store.stage) || b.votes - a.votes || a.id - b.id);
  keepPlace(() => list.sync(qs));
  const s = stageQuestion();
  const key = s ? `${s.id}:${s.answers.length}` : '';
  if (key !== stageKey) { stageKey = key; stageEl.replaceChildren(...stageNodes(s)); }
  if (store.session) setText($('[data-session-status]'), t(`session.${store.session.status}`));
}
const render = () => { frame ||= requestAnimationFrame(draw); };

const pending = new Map(); // client_id → form

app.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-act]');
  const li = b?.closest('li[data-id]');
  if (!li) return;
  if (b.dataset.act === 'answered') {
    if (!send({ type: 'question.mark_answered', question_id: +li.dataset.id, client_id: newId() })) flash(t('error.offline'), true);
    return;
  }
  let f = li.querySelector('.answer-form');
  if (!f) { f = answerForm(+li.dataset.id); b.parentNode.after(f); } else f.hidden = !f.hidden;
  b.setAttribute('aria-expanded', String(!f.hidden));
  if (!f.hidden) f.elements.text.focus();
});

app.addEventListener('submit', (e) => {
  const f = e.target.closest('.answer-form');
  if (!f) return;
  if (!connected()) return; // posts as without JS
  e.preventDefault();
  const { text, live, commitment, due_date: due } = f.elements;
  const msg = { type: 'answer.post', question_id: +f.closest('li').dataset.id, text: text.value.trim(), live: live.checked, client_id: newId() };
  if (commitment.value.trim()) msg.commitment = { text: commitment.value.trim(), due_date: due.value || null };
  if (!msg.text && !msg.live) { flash(t('error.answer_empty'), true); text.focus(); return; }
  send(msg);
  pending.set(msg.client_id, f);
  f.querySelector('button[type=submit]').disabled = true;
});

connect({
  onState() {
    if (!ready) { ready = true; adopt(listEl); return draw(); }
    render();
  },
  onEvent: render,
  onAck(m) {
    const f = pending.get(m.client_id);
    if (f) {
      pending.delete(m.client_id);
      f.reset(); f.hidden = true;
      f.querySelector('button[type=submit]').disabled = false;
      f.closest('li')?.querySelector('[data-act=answer]')?.setAttribute('aria-expanded', 'false');
    }
    flash(t('done'));
  },
  onError(m) {
    const f = pending.get(m.client_id);
    if (f) { pending.delete(m.client_id); f.querySelector('button[type=submit]').disabled = false; }
    flash(errorText(m), true);
  },
});
