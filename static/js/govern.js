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
