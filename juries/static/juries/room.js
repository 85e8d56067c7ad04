// Jury room: counts the round down to the server's end time. The page works
// without it (the end time is printed); user text is never touched here.
const round = document.getElementById("round");
const left = document.getElementById("round-left");
const endsAt = round && round.dataset.endsAt ? Date.parse(round.dataset.endsAt) : NaN;

function tick() {
  const seconds = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
  const minutes = Math.floor(seconds / 60);
  left.textContent = `(${minutes}:${String(seconds % 60).padStart(2, "0")})`;
  if (seconds > 0) setTimeout(tick, 1000);
}

if (left && !Number.isNaN(endsAt)) tick();
