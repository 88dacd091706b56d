// Small behaviours without inline scripts (the Content Security Policy forbids them).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});

// A button with data-confirm asks before it submits (an irreversible step).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});

// A form with data-warn-unsaved asks before the page is left with changes not yet sent.
document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
  let dirty = false;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
});

// A summary of problems takes the focus, so a screen reader and a phone user see it first.
const problems = document.getElementById("problems");
if (problems) problems.focus();

// On a phone a list table shows each row as a card: each cell is labelled with its column's name
// (CSS shows the label only below 600 px). The first cell is the card's title and stays unlabelled.
document.querySelectorAll("table.list:not(.numbers)").forEach((table) => {
  const head = table.tHead && table.tHead.rows[0];
  if (!head) return;
  const names = Array.from(head.cells, (cell) => cell.textContent.trim());
  Array.from(table.tBodies).forEach((body) => {
    Array.from(body.rows).forEach((row) => {
      let column = 0;
      Array.from(row.cells).forEach((cell) => {
        const name = names[column];
        if (column > 0 && name && !cell.hasAttribute("data-label") && !cell.querySelector(".cell-label")) {
          cell.setAttribute("data-label", name);
        }
        column += cell.colSpan || 1;
      });
    });
  });
});

// The installable web app: staff pages register the service worker (static/js/sw.js), which keeps
// the visit pages and today's work readable without a connection. The login page tells it to
// forget the last user's pages.
if ("serviceWorker" in navigator) {
  const body = document.body.dataset;
  if (body.serviceWorker) navigator.serviceWorker.register(body.serviceWorker, { scope: "/" });
  if (body.forgetPages && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage("forget-pages");
  }
}

// Small forms post to their own URL and come back to the page they were on. What was typed is
// kept in this tab before the post; when the server refused it (a #failed-form record on the page
// that follows), the form is filled in again and each error is shown at its field.
(() => {
  const stashKey = (form) => "govern-form:" + new URL(form.action, location.href).pathname;
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.method !== "post" || form.id === "record") return;
    const values = [];
    for (const field of form.elements) {
      if (!field.name || field.type === "file" || field.type === "password" || field.name === "csrfmiddlewaretoken") continue;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) continue;
      values.push([field.name, field.value]);
    }
    try { sessionStorage.setItem(stashKey(form), JSON.stringify(values)); } catch (error) { /* private mode */ }
  }, true);
  const record = document.getElementById("failed-form");
  if (!record) {
    Object.keys(sessionStorage).filter((k) => k.startsWith("govern-form:")).forEach((k) => sessionStorage.removeItem(k));
    return;
  }
  const failed = JSON.parse(record.textContent);
  const form = Array.from(document.querySelectorAll("form[method=post]"))
    .find((f) => new URL(f.action, location.href).pathname === failed.action);
  if (!form) return;
  const stored = JSON.parse(sessionStorage.getItem(stashKey(form)) || "[]");
  sessionStorage.removeItem(stashKey(form));
  for (const [name, value] of stored) {
    for (const field of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = field.value === value;
      else if (field.type !== "hidden") field.value = value;
    }
  }
  let first = null;
  for (const [name, messages] of Object.entries(failed.errors)) {
    const field = name === "__all__" ? null : form.querySelector(`[name="${CSS.escape(name)}"]`);
    for (const message of messages) {
      const p = document.createElement("p");
      p.className = "error";
      p.textContent = message;
      if (field) {
        const holder = field.closest(".field, label") || field;
        holder.classList.add("has-error");
        holder.after(p);
        field.setAttribute("aria-invalid", "true");
        first = first || field;
      } else {
        form.prepend(p);
      }
    }
  }
  for (let node = form.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  (first || form).scrollIntoView({ block: "center" });
  if (first) first.focus();
})();

// A batch being rendered in the background: its progress bar follows the workers, and the page
// reloads once every notice is done (to offer the downloads).
document.querySelectorAll("progress[data-poll]").forEach((bar) => {
  const tick = async () => {
    try {
      const response = await fetch(bar.dataset.poll, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const progress = await response.json();
      bar.value = progress.ready + progress.failed;
      if (progress.ready + progress.failed >= progress.total) { location.reload(); return; }
    } catch (error) { /* try again */ }
    setTimeout(tick, 1500);
  };
  setTimeout(tick, 1000);
});
