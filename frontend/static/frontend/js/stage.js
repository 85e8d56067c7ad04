// Stage view (stage.html): the question on stage in big type, live votes and answers, the open
// poll's bars, who has the floor (with a countdown) and an adopted jury recommendation. No controls.
import { connect, store, stageQuestion, send } from './live.js';
import { el, setText, setVotes, stageNodes, t } from './render.js';
import { tap, apply, currentPoll, drawPolls, drawFloor, state } from './polls.js';

const app = document.getElementById('app');
const box = app.querySelector('[data-stage]');
const votesLine = app.querySelector('[data-stage-votes-line]');
const pollBox = app.querySelector('[data-polls]'), floorBox = app.querySelector('[data-floor]'), recBox = app.querySelector('[data-rec]');
let key = null, recKey = null, frame = 0;

/** "via SMS" next to the author, never the number. */
const smsBadge = (q) => q?.source === 'sms' && el('span', { class: 'badge sms' }, t('via_sms'));

function draw() {
  frame = 0;
  const q = stageQuestion();
  const k = q ? `${q.id}:${q.answers.length}` : `-${store.session?.title}`;
  if (k !== key) {
    key = k;
    box.replaceChildren(...(q ? stageNodes(q, 'stage')
      : [el('p', { class: 'stage-text muted', dir: 'auto' }, store.session?.title || '')]));
    const badge = smsBadge(q);
    if (badge) box.querySelector('.stage-meta')?.append(' · ', badge);
  }
  votesLine.hidden = !q;
  if (q) setVotes(app.querySelector('[data-votes]'), q.votes);
  if (store.session) setText(app.querySelector('[data-session-title]'), store.session.title);
  const p = currentPoll();
  pollBox.hidden = !drawPolls(pollBox, p ? [p] : [], 'stage');
  drawFloor(floorBox, state.speakers.floor, 'stage-text');
  const r = state.recommendation, rk = r ? `${r.id}:${r.version}` : '';
  if (rk !== recKey) {
    recKey = rk;
    recBox.replaceChildren(...(r ? [el('p', { class: 'rec-label' }, t('rec_adopted')), el('p', { class: 'stage-text rec-text', dir: 'auto' }, r.text)] : []));
    recBox.hidden = !r;
  }
}

const render = () => { frame ||= requestAnimationFrame(draw); };
tap((m) => { if (apply(m)) render(); });
connect({ onState() { send({ type: 'juries.state' }); render(); }, onEvent: render });
