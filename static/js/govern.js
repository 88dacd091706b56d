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
