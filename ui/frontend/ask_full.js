// A chart frame whose texts this browser lacks (its first frame was superseded before the
// component mounted, or the page remounted) asks the server for all of them again by
// setting the component's `need_full` state. Streamlit folds widget updates made in one
// macrotask into one rerun with the first one's fragment: when several charts ask at
// once (a page's first load), the others' fragments do not rerun, and an idle page kept
// a blank chart (5 of 10 tabs opened together). So each chart asks again, at its own
// random moment, until a frame with the texts comes (`stopAsking`).
const asking = new Map();

export function askFull(key, hash, setStateValue, tries = 10, random = Math.random) {
  clearTimeout(asking.get(key));
  setStateValue('need_full', hash + ':' + Date.now());
  if (tries <= 1) { asking.delete(key); return; }
  const wait = 2000 + 2000 * random();
  asking.set(key, setTimeout(() => askFull(key, hash, setStateValue, tries - 1, random), wait));
}

export function stopAsking(key) {
  clearTimeout(asking.get(key));
  asking.delete(key);
}
