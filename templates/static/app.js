// Progressive enhancements only; every page works without JavaScript.
document.addEventListener("click", function (e) {
  if (e.target.matches("[data-print]")) { window.print(); }
});

// After a refused form: open the sections holding it, focus the first wrong field and scroll it into view.
document.addEventListener("DOMContentLoaded", function () {
  var err = document.querySelector(".field-error") || document.querySelector("form[data-failed]");
  if (!err) { return; }
  for (var d = err.closest("details"); d; d = d.parentElement ? d.parentElement.closest("details") : null) { d.open = true; }
  var box = err.closest("label, fieldset, form");
  var field = box ? box.querySelector("input:not([type=hidden]), select, textarea") : null;
  (field || err).scrollIntoView({ block: "center" });
  if (field) { field.focus({ preventScroll: true }); }
});

// Irreversible actions: the form (or the chosen option) states in words what will happen; it is sent only
// when confirmed. A button marked data-noconfirm (save as draft) sends without asking.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (e.submitter && e.submitter.hasAttribute("data-noconfirm")) { return; }
  var msg = f.getAttribute("data-confirm");
  var chosen = f.querySelector("input[data-confirm]:checked, option[data-confirm]:checked");
  if (chosen) { msg = chosen.getAttribute("data-confirm"); }
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});
