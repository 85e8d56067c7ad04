// Stage view (stage.html): the question on stage in big type, live votes and answers. No controls.
import { connect, store, stageQuestion } from './live.js';
import { el, setText, setVotes, stageNodes } from './render.js';

const app = document.getElementById('app');
const box = app.querySelector('[data-stage]');
const votesLine = app.querySelector('[data-stage-votes-line]');
let key = null, frame = 0;

function draw() {
  frame = 0;
  const q = stageQuestion();
  const k = q ? `${q.id}:${q.answers.length}` : `-${store.session?.title}`;
  if (k !== key) {
    key = k;
    box.replaceChildren(...(q ? stageNodes(q, 'stage')
      : [el('p', { class: 'stage-text muted', dir: 'auto' }, store.session?.title || '')]));
  }
  votesLine.hidden = !q;
  if (q) setVotes(app.querySelector('[data-votes]'), q.votes);
  if (store.session) setText(app.querySelector('[data-session-title]'), store.session.title);
}

const render = () => { frame ||= requestAnimationFrame(draw); };
connect({ onState: render, onEvent: render });
