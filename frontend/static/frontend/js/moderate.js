// Moderator console (moderate.html): live queue, decisions, stage, merge, keyboard shortcuts.
import { connect, store, send, stageQuestion, connected, newId } from './live.js';
import { t, el, userText, setText, questionNode, updateQuestion, stageNodes, liveList, adopt, keepPlace, postForm, urlFor, flash, errorText, announce } from './render.js';
import { tap, apply as applyJuries, state as juries, openPolls, drawPolls, drawFloor } from './polls.js';

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
/** "via SMS" (never the number) for questions that came by text message. */
const smsBadge = (q) => q.source === 'sms' && [' · ', el('span', { class: 'badge sms' }, t('via_sms'))];

function queueNode(q) {
  const a = q.author || {};
  return el('li', { class: 'question', 'data-id': q.id, id: `q${q.id}`, tabIndex: 0, 'aria-labelledby': `qt${q.id}` },
    el('p', { class: 'text', dir: 'auto', id: `qt${q.id}` }, q.text),
    el('p', { class: 'meta' }, userText('span', a.display_name), a.district && [' · ', userText('span', a.district)],
      smsBadge(q), ' · ', el('span', { 'data-reason': true })),
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
  const sms = smsBadge(q), votes = li.querySelector('.meta [data-votes]');
  if (sms) votes.before(...sms.slice(1), ' · ');
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
  drawJuries();
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

// --- polls and the speaker queue (docs/juries.md) ---------------------------------------------

const pollForm = $('[data-poll-form]'), pollTexts = $('[data-poll-texts]'), pollsEl = $('[data-polls]');
const floorEl = $('[data-floor]'), speakersEl = $('[data-speakers]');
let langKey = null;
// One question field and one options box per session language (plain strings with < 2 languages).
function pollFields() {
  const langs = store.session?.languages?.length > 1 ? store.session.languages : [''];
  if (langs.join() === langKey) return;
  langKey = langs.join();
  pollTexts.replaceChildren(...langs.map((l) => {
    const sfx = l ? ` (${l})` : '', id = l || 'x';
    return [el('label', { for: `poll-q-${id}` }, t('poll_question') + sfx),
      el('input', { id: `poll-q-${id}`, name: 'question', 'data-lang': l, maxLength: 300, required: true, dir: 'auto', lang: l || null }),
      el('label', { for: `poll-o-${id}` }, t('poll_options') + sfx),
      el('textarea', { id: `poll-o-${id}`, name: 'options', 'data-lang': l, rows: 4, required: true, dir: 'auto', lang: l || null })];
  }).flat());
}

pollForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const qs = [...pollForm.querySelectorAll('[name=question]')], os = [...pollForm.querySelectorAll('[name=options]')];
  const lines = os.map((o) => o.value.split('\n').map((x) => x.trim()).filter(Boolean));
  const n = lines[0].length;
  if (n < 2 || n > 10 || lines.some((l) => l.length !== n)) return flash(t('poll_bad_options'), true);
  const multi = qs.length > 1 || qs[0].dataset.lang;
  const text = (i) => (multi ? Object.fromEntries(qs.map((q, j) => [q.dataset.lang, i == null ? q.value.trim() : lines[j][i]])) : (i == null ? qs[0].value.trim() : lines[0][i]));
  const msg = { type: 'poll.open', question: text(), options: lines[0].map((_, i) => text(i)), kind: pollForm.elements.kind.value };
  if (act(msg)) pollForm.reset();
});
pollsEl.addEventListener('click', (e) => {
  const b = e.target.closest('[data-poll-close]');
  if (b) act({ type: 'poll.close', poll_id: Number(b.dataset.pollClose) });
});

const speakerNode = (s) => el('li', { 'data-speaker': s.id },
  userText('span', s.name, 'text'), ' · ', el('span', { class: 'meta' }, t(`speak.${s.kind}`)), ' ',
  button(t('give_floor'), { 'data-grant': s.id }));
function drawSpeakers() {
  const { queue, floor } = juries.speakers;
  drawFloor(floorEl, floor);
  const k = queue.map((s) => `${s.id}${s.kind}`).join();
  if (speakersEl.dataset.k !== k) {
    speakersEl.dataset.k = k;
    const empty = speakersEl.querySelector('[data-empty]');
    empty.hidden = queue.length > 0;
    speakersEl.replaceChildren(...queue.map(speakerNode), empty);
  }
  $('[data-sp=end]').disabled = !floor;
  $('[data-sp=next]').disabled = $('[data-sp=first]').disabled = !queue.length;
}
const seconds = () => { const v = Number($('#floor-seconds').value); return v >= 10 && v <= 3600 ? v : 120; };
$('[data-speakers-section]').addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.grant) act({ type: 'floor.grant', request_id: Number(b.dataset.grant), seconds: seconds() });
  else if (b.dataset.sp === 'next') act({ type: 'floor.grant', seconds: seconds() });
  else if (b.dataset.sp === 'end') act({ type: 'floor.end' });
  else if (b.dataset.sp === 'first') act({ type: 'speakers.order', first_time_first: true });
});

function drawJuries() {
  $('[data-polls-section]').hidden = $('[data-speakers-section]').hidden = false;
  pollFields();
  drawPolls(pollsEl, openPolls(), 'moderate');
  drawSpeakers();
}
tap((m) => { if (applyJuries(m) && ready) render(); });

connect({
  onState() {
    send({ type: 'juries.state' });
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
