// DOM helpers. User text goes in only as textContent, with dir="auto".
const strings = new Map();
for (const n of document.getElementById('th-strings')?.content.querySelectorAll('[data-k]') || []) strings.set(n.dataset.k, n.textContent.trim());
const lang = document.documentElement.lang || 'en';
const plurals = new Intl.PluralRules(lang), numbers = new Intl.NumberFormat(lang);
/** A number in the page's language. */
export const num = (n) => numbers.format(n);
/** UI string from <template id="th-strings"> (translated by Django); `{n}` becomes n. */
export const t = (k, n) => (strings.get(k) ?? k.replace(/^\w+\./, '')).replace('{n}', n == null ? '' : num(n));
/** Plural-aware string: keys `k.one`, `k.other` (… as the language needs). */
export const tn = (k, n) => t(strings.has(`${k}.${plurals.select(n)}`) ? `${k}.${plurals.select(n)}` : `${k}.other`, n);

/** el('p', {class: 'x'}, 'text', node, [nodes]): strings become text nodes, never HTML. */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k in e && k !== 'form') e[k] = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...kids.flat(9).filter((c) => c != null && c !== false));
  return e;
}
export const userText = (tag, text, cls) => el(tag, { class: cls, dir: 'auto' }, text || '');
export function setText(n, text) {
  const s = String(text ?? '');
  if (n && n.textContent !== s) n.textContent = s;
}

// --- questions ---
const answerNode = (a, c = a.commitment) => el('blockquote', { class: 'answer' },
  el('p', { dir: 'auto' }, a.live ? t('answered_live') + (a.text ? ' — ' : '') : '', a.text || ''),
  el('footer', {}, '— ', userText('span', a.official),
    c && ['; ', t('commitment'), ': ', userText('span', c.text), c.due_date ? ` (${t('by_date').replace('{date}', date(c.due_date))})` : '']));
/** A YYYY-MM-DD date in the page's language. */
const date = (d) => { try { return new Date(`${d}T12:00:00`).toLocaleDateString(lang, { dateStyle: 'medium' }); } catch { return d; } };

const byline = (a = {}) => [userText('span', a.display_name), a.district && [' · ', userText('span', a.district)]];

/** A question <li> like _question.html, `extra` controls at the end. */
export const questionNode = (q, ...extra) => el('li', { class: 'question', id: `q${q.id}`, 'data-id': q.id },
  userText('p', q.text, 'text'),
  el('p', { class: 'meta' }, byline(q.author), ' · ', el('span', { class: 'votes', 'data-votes': true }), ' ',
    el('span', { class: 'badge', 'data-answered': true }, t('answered')),
    el('span', { class: 'badge onstage', 'data-onstage': true }, t('on_stage'))),
  el('div', { 'data-answers': true }), ...extra);

/** "1 vote", "3 votes", in the page's language. */
export function setVotes(n, votes) { if (n) setText(n, tn('votes', votes)); }

/** Tell screen readers (an aria-live region) without moving focus. */
export function announce(text) {
  const box = document.querySelector('[data-announce]');
  if (!box) return;
  box.textContent = '';
  // A fresh node is read even when the same text comes twice.
  requestAnimationFrame(() => box.replaceChildren(el('p', { dir: 'auto' }, text)));
}

export function updateQuestion(li, q, onStage) {
  setVotes(li.querySelector('[data-votes]'), q.votes ?? 0);
  li.querySelector('[data-answered]').hidden = !q.answered;
  li.querySelector('[data-onstage]').hidden = !onStage;
  li.classList.toggle('on-stage', !!onStage);
  const box = li.querySelector('[data-answers]');
  if (box.children.length !== q.answers.length) box.replaceChildren(...q.answers.map((a) => answerNode(a)));
}

// No votes here: they change too often for an aria-live region.
export const stageNodes = (q, cls = 'stage') => (q
  ? [userText('p', q.text, `text ${cls}-text`), el('p', { class: `meta ${cls}-meta` }, byline(q.author)),
    el('div', {}, q.answers.map((a) => answerNode(a)))]
  : [el('p', { class: 'muted' }, t('nothing_on_stage'))]);

// Live items get the no-JS forms too: they still post when the socket is down.
export const postForm = (action, cls, ...kids) => el('form', { method: 'post', action, class: cls },
  el('input', { type: 'hidden', name: 'csrfmiddlewaretoken', value: document.querySelector('[name=csrfmiddlewaretoken]')?.value || '' }), ...kids);
export const urlFor = (pattern, id) => pattern.replace('999999999', id);

export function flash(text, isError) {
  const box = document.querySelector(isError ? '[data-errors]' : '[data-flash]');
  if (!box) return;
  box.replaceChildren(el('p', { dir: 'auto' }, text));
  clearTimeout(box.t);
  box.t = setTimeout(() => box.replaceChildren(), isError ? 12000 : 5000);
}
export const errorText = (m) => (strings.has(`error.${m.code}`) ? t(`error.${m.code}`) : m.message || m.code);

// --- lists that do not jump under the reader's thumb ---
let busyUntil = 0;
const busy = () => Date.now() < busyUntil;
for (const ev of ['scroll', 'touchstart', 'touchmove', 'wheel', 'keydown']) addEventListener(ev, () => { busyUntil = Date.now() + 1200; }, { passive: true });

/**
 * Keyed list, nodes updated in place. With `hold`, new items and a new order wait while
 * the reader scrolls or reads inside the list: `more` shows them, or they apply at the top.
 */
export function liveList(ol, { build, update, hold, more }) {
  const nodes = new Map(), empty = ol.querySelector('[data-empty]');
  let latest = [], waiting = false, first = true;

  function apply() {
    const focused = document.activeElement;
    latest.forEach((it, i) => {
      let li = nodes.get(it.id);
      if (!li) { nodes.set(it.id, li = build(it)); update(li, it); }
      if (ol.children[i] !== li) ol.insertBefore(li, ol.children[i] || null);
    });
    if (empty) { empty.hidden = latest.length > 0; ol.append(empty); }
    if (focused !== document.activeElement && focused?.isConnected) focused.focus({ preventScroll: true });
    waiting = first = false;
    if (more) more.hidden = true;
  }
  const inside = () => { const r = ol.getBoundingClientRect(); return r.top < -40 && r.bottom > 0; };
  const check = () => { if (!waiting) return; if (busy() || inside()) setTimeout(check, 1300); else keepPlace(apply); };
  more?.addEventListener('click', () => { apply(); ol.scrollIntoView(); });

  return {
    sync(items, force) {
      latest = items;
      const ids = new Set(items.map((q) => q.id));
      for (const [id, li] of nodes) if (!ids.has(id)) { li.remove(); nodes.delete(id); }
      let fresh = 0, moved = false;
      items.forEach((it, i) => {
        const li = nodes.get(it.id);
        if (!li) fresh++; else { update(li, it); moved ||= ol.children[i] !== li; }
      });
      if (first || force || !hold || !(fresh || moved) || !(busy() || inside())) return apply();
      if (!waiting) { waiting = true; setTimeout(check, 1300); }
      if (more) { more.textContent = fresh ? tn('new_questions', fresh) : t('update_order'); more.hidden = false; }
    },
  };
}

/** Run fn (DOM changes) keeping the first heading, list or question on screen in place. */
export function keepPlace(fn) {
  let anchor, top;
  for (const n of document.querySelectorAll('main h2, main ol, main li[data-id]')) {
    top = n.getBoundingClientRect().top;
    if (top > -5 && n.offsetParent) { anchor = n; break; }
  }
  fn();
  const d = anchor?.isConnected ? anchor.getBoundingClientRect().top - top : 0;
  if (Math.abs(d) > 1) scrollBy(0, d);
}

/** Drop server-rendered items; live ones replace them in the same paint. */
export const adopt = (ol) => [...ol.children].forEach((li) => li.hasAttribute('data-empty') || li.remove());
