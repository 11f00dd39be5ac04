// The review queue from the keyboard: j/k move the mark between rows, a approves and r rejects the marked
// row (by clicking its button, so the admin's own form and CSRF token do the work). After the page comes
// back, the mark is on the row now in the same place: the one that followed. Without this file the
// buttons work alone.
document.addEventListener("DOMContentLoaded", () => {
  const table = document.getElementById("result_list");
  const keys = document.querySelector(".desk-keys");
  if (!table || !keys || !table.tBodies.length) return;
  const rows = Array.from(table.tBodies[0].rows);
  if (!rows.length) return;
  keys.hidden = false;
  const remembered = "desk-queue-row:" + location.pathname;
  let current = -1;

  const mark = (index) => {
    if (current >= 0) rows[current].classList.remove("desk-current");
    current = Math.max(0, Math.min(index, rows.length - 1));
    const row = rows[current];
    row.classList.add("desk-current");
    row.tabIndex = -1;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  };

  const press = (selector) => {
    const button = current >= 0 && rows[current].querySelector(selector);
    if (!button) return;
    sessionStorage.setItem(remembered, String(current));
    button.click();
  };

  const stored = sessionStorage.getItem(remembered);
  if (stored !== null) {
    sessionStorage.removeItem(remembered);
    mark(Number(stored));
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input:not([type=checkbox]), select, textarea, [contenteditable]")) return;
    const actions = {
      j: () => mark(current + 1),
      k: () => mark(current - 1),
      a: () => press("button.desk-approve"),
      r: () => press("button.desk-reject"),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
});
