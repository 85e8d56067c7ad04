// Moderator console (moderate.html): live queue, decisions, stage, merge, keyboard shortcuts.
import { connect, store, send, stageQuestion, connected, newId } from './live.js';
import { t, el, userText, setText, questionNode, updateQuestion, stageNodes, liveList, adopt, keepPlace, postForm, urlFor, flash, errorText, announce } from './render.js';

const app = document.getElementById('app');
const $ = (s) => app.querySelector(s);
const queueEl = $('[data-queue]'), pubEl = $('[data-questions]'), stageEl = $('[data-stage]');
const reasons = JSON.parse(document.getElementById('reason-data').textContent); // [[code, label], …]
let ready = false, stageKey = '', frame = 0;

// --- building blocks ---------------------------------------------------------------

const reasonSelect = () => el('label', {}, `${t('reason')} `,
  el('select', { name: 'reason' }, reasons.map(([v, label]) => el('option', { value: v }, label))));
const noteInput = () => el('label', {}, `${t('note')} `, el('input', { name: 'note', maxLength: 500, dir: 'auto' }));
const decideForm = (q, ...kids) => postForm(urlFor(app.dataset.decideUrl, q.id), 'decide', ...kids);
const button = (label, attrs = {}) => el('button', { type: 'button', ...attrs }, label);
const mergeButton = () => button(`${t('merge_into')}…`, { 'data-act': 'merge-open' });

function queueNode(q) {
  const a = q.author || {};
  return el('li', { class: 'question', 'data-id': q.id, id: `q${q.id}`, tabIndex: 0, 'aria-labelledby': `qt${q.id}` },
    el('p', { class: 'text', dir: 'auto', id: `qt${q.id}` }, q.text),
    el('p', { class: 'meta' }, userText('span', a.display_name), a.district && [' · ', userText('span', a.district)],
      ' · ', el('span', { 'data-reason': true })),
    el('p', { class: 'meta', 'data-review': true }),
    el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'question_ids', value: q.id, form: 'bulk' }), ` ${t('select')}`),
    decideForm(q,
      el('button', { type: 'submit', name: 'decision', value: 'approve', class: 'primary' }, t('approve')),
      reasonSelect(),
      noteInput(),
      el('button', { type: 'submit', name: 'decision', value: 'request_edit' }, t('request_edit')),
      el('button', { type: 'submit', name: 'decision', value: 'reject' }, t('reject'))),
    el('div', { class: 'actions' }, mergeButton()));
}

// What the automatic stages found, and the author's record in this session.
function reviewText(r) {
  if (!r) return '';
  const detail = (d) => (d && typeof d === 'object' ? Object.values(d).filter((v) => typeof v !== 'object').slice(0, 3).join(', ') : d);
  const h = r.author_history || {}, parts = (r.reasons || []).map((x) => t(`reason.${x.code}`) + (detail(x.detail) ? ` (${detail(x.detail)})` : ''));
  if (r.matched_terms?.length) parts.push(`“${r.matched_terms.join('”, “')}”`);
  if (r.score != null) parts.push(`${r.band || ''} ${Math.round(r.score * 100)}%`);
  if (r.language) parts.push(r.language);
  parts.push(`${t('history')}: ${h.asked ?? 0} / ✓${h.published ?? 0} ✗${h.rejected ?? 0} ⊘${h.hidden ?? 0}`);
  return parts.join(' · ');
}

function appealNode(q) {
  const a = q.author || {}, id = `an${q.id}`;
  return el('li', { class: 'question', 'data-id': q.id, tabIndex: 0, 'aria-label': q.text },
    userText('p', q.text, 'text'),
    el('p', { class: 'meta' }, userText('span', a.display_name), ' · ', t(`status.${q.status}`), ' — ',
      q.reason ? t(`reason.${q.reason.code}`) : '', q.reason?.note ? [': ', userText('span', q.reason.note)] : ''),
    el('blockquote', { class: 'answer' }, userText('p', q.appeal?.note)),
    el('label', { for: id }, t('note')), el('input', { id, name: 'note', maxLength: 500, dir: 'auto' }),
    el('div', { class: 'actions' }, button(t('uphold'), { 'data-act': 'uphold' }), button(t('overturn'), { 'data-act': 'overturn', class: 'primary' })));
}

function pubNode(q) {
  const li = questionNode(q,
    el('div', { class: 'actions' },
      button(t('show_on_stage'), { 'data-act': 'stage' }),
      button(t('mark_answered'), { 'data-act': 'answered' }),
      mergeButton()),
    decideForm(q, reasonSelect(), noteInput(), el('button', { type: 'submit', name: 'decision', value: 'hide' }, t('hide'))));
  li.tabIndex = 0;
  li.setAttribute('aria-label', q.text);
  return li;
}

const queue = liveList(queueEl, {
  build: queueNode,
  update(li, q) {
    setText(li.querySelector('[data-reason]'), q.reason ? t(`reason.${q.reason.code}`) : '');
    setText(li.querySelector('[data-review]'), reviewText(q.review));
  },
});
const appealsEl = $('[data-appeals]');
const appeals = liveList(appealsEl, { build: appealNode, update() {} });
const pub = liveList(pubEl, {
  build: pubNode,
  update(li, q) {
    updateQuestion(li, q, store.stage === q.id);
    li.querySelector('[data-act=answered]').disabled = q.answered;
  },
  hold: true,
  more: $('[data-more]'),
});

const byVotes = (a, b) => b.votes - a.votes || (a.published_at < b.published_at ? -1 : 1);
const byAge = (a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id);
const all = (status) => [...store.questions.values()].filter((q) => q.status === status);

// Keep the keyboard where it was when the focused question leaves a list.
function keepFocus(fn) {
  const li = document.activeElement?.closest?.('li[data-id]');
  const next = li && (li.nextElementSibling || li.previousElementSibling);
  fn();
  if (li && !li.isConnected && next?.isConnected && next.dataset.id) next.focus({ preventScroll: true });
}

function draw() {
  frame = 0;
  if (!ready) return;
  const held = all('pending').sort(byAge);
  keepFocus(() => keepPlace(() => { queue.sync(held); pub.sync(all('published').sort(byVotes)); }));
  setText($('[data-queue-count]'), held.length);
  const open = [...store.questions.values()].filter((q) => q.appeal?.status === 'open').sort(byAge);
  appeals.sync(open);
  setText($('[data-appeals-count]'), open.length);
  $('[data-appeals-section]').hidden = !open.length;
  const s = stageQuestion();
  const key = s ? String(s.id) : '';
  if (key !== stageKey) { stageKey = key; stageEl.replaceChildren(...stageNodes(s)); }
  $('[data-clear-form]').hidden = !s;
  if (store.session) setText($('[data-session-status]'), t(`session.${store.session.status}`));
}
const render = () => { frame ||= requestAnimationFrame(draw); };

// --- actions --------------------------------------------------------------------------

function act(msg) {
  if (!send({ ...msg, client_id: newId() })) { flash(t('error.offline'), true); return false; }
  return true;
}
const idOf = (li) => Number(li.dataset.id);

function decide(li, decision) {
  const f = li.querySelector('form.decide');
  const msg = { type: 'moderation.decide', question_id: idOf(li), decision };
  if (decision !== 'approve') { msg.reason = f.elements.reason.value; msg.note = f.elements.note?.value || ''; }
  return act(msg);
}

function openMerge(li, opener) {
  const id = idOf(li);
  const targets = all('published').filter((q) => q.id !== id).sort(byVotes);
  const sel = el('select', { 'aria-label': t('merge_into') },
    targets.map((q) => el('option', { value: q.id, dir: 'auto' }, `#${q.id} ${q.text.slice(0, 80)}`)));
  opener.replaceWith(el('span', { class: 'merge' }, el('label', {}, `${t('merge_into')} `, sel),
    button(t('merge'), { 'data-act': 'merge', disabled: !targets.length })));
  sel.focus();
}

app.addEventListener('submit', (e) => {
  const li = e.target.closest('li[data-id]');
  const decision = e.submitter?.name === 'decision' && e.submitter.value;
  if (!li || !decision || !e.target.matches('.decide') || !ready || !connected()) return; // plain form post
  e.preventDefault();
  decide(li, decision);
});

app.addEventListener('click', (e) => {
  const b = e.target.closest('button[data-act]');
  if (!b) return;
  const li = b.closest('li[data-id]');
  if (b.type === 'submit') { if (!ready || !connected()) return; e.preventDefault(); } // else the form posts
  switch (b.dataset.act) {
    case 'clear': act({ type: 'stage.show', question_id: null }); break;
    case 'stage': act({ type: 'stage.show', question_id: idOf(li) }); break;
    case 'answered': act({ type: 'question.mark_answered', question_id: idOf(li) }); break;
    case 'merge-open': openMerge(li, b); break;
    case 'uphold': case 'overturn':
      act({ type: 'appeal.decide', question_id: idOf(li), outcome: b.dataset.act, note: li.querySelector('input').value });
      break;
    case 'merge': act({ type: 'moderation.merge', question_id: idOf(li), into_question_id: Number(li.querySelector('.merge select').value) }); break;
  }
});

app.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName)) return;
  const li = e.target.closest('li[data-id]');
  if (!li || !ready) return;
  const inQueue = queueEl.contains(li), id = idOf(li);
  const move = (n) => n?.dataset.id && n.focus();
  switch (e.key) {
    case 'j': move(li.nextElementSibling); break;
    case 'k': move(li.previousElementSibling); break;
    case 'a': if (inQueue) decide(li, 'approve'); break;
    case 'r': if (inQueue) decide(li, 'reject'); break;
    case 'e': if (inQueue) decide(li, 'request_edit'); break;
    case 's':
      if (inQueue ? !decide(li, 'approve') : !pubEl.contains(li)) break;
      act({ type: 'stage.show', question_id: id });
      break;
    case 'm': if (pubEl.contains(li)) act({ type: 'question.mark_answered', question_id: id }); break;
    case 'x': { const c = li.querySelector('[name=question_ids]'); if (c) c.checked = !c.checked; break; }
    default: return;
  }
  e.preventDefault();
});

connect({
  onState() {
    if (!ready) {
      ready = true;
      adopt(queueEl); adopt(pubEl);
      return draw();
    }
    render();
  },
  onEvent(m) {
    if (m.type === 'queue.added') announce(`${t('new_published')} ${m.question.text}`);
    render();
  },
  onAck() { flash(t('done')); },
  onError(m) { flash(errorText(m), true); },
});
