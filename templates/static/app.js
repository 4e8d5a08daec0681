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

// Drafts kept on the server: a form marked data-autosave="<address>" is sent there (as a draft, not as the
// action) a moment after each change; the server answers with the time saved, shown in the form's
// .autosave-status. The page itself comes back filled from the saved draft, after a reload or elsewhere.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (f) {
      var url = f.getAttribute("data-autosave"), timer = null, sending = false, again = false;
      var status = f.querySelector(".autosave-status");
      if (!status) {
        status = document.createElement("p");
        status.className = "hint autosave-status";
        status.setAttribute("role", "status");
        f.insertBefore(status, f.firstChild);
      }
      function send() {
        if (sending) { again = true; return; }
        sending = true;
        var body = new URLSearchParams(new FormData(f));
        fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Fuyi-Autosave": "1", "Accept": "application/json" } })
          .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
          .then(function (j) { status.textContent = j.message; f.setAttribute("data-saved", j.saved_at); })
          .catch(function () { status.textContent = "自动保存未成功，请点击“保存草稿”。"; })
          .then(function () { sending = false; if (again) { again = false; send(); } });
      }
      var later = function () { clearTimeout(timer); timer = setTimeout(send, 800); };
      f.addEventListener("input", later);
      f.addEventListener("change", later);
      f.addEventListener("submit", function () { clearTimeout(timer); });
    });
  });
})();

// Intake: fields shown by what they apply to — the postmark only for applications sent by post, person or
// organisation fields by the applicant's kind. A field holding a value or a message always stays visible.
document.addEventListener("DOMContentLoaded", function () {
  function keep(el) { return el.querySelector(".field-error") || Array.prototype.some.call(el.querySelectorAll("input:not([type=checkbox]):not([type=radio])"), function (i) { return i.value !== ""; }); }
  var channel = document.querySelector("select[name=channel]");
  function byChannel() {
    document.querySelectorAll("[data-show-channel]").forEach(function (el) { el.hidden = channel.value !== el.getAttribute("data-show-channel") && !keep(el); });
  }
  if (channel) { channel.addEventListener("change", byChannel); byChannel(); }
  document.querySelectorAll("fieldset[data-party]").forEach(function (fs) {
    var kind = fs.querySelector("select[name$='.kind']");
    if (!kind) { return; }
    function byKind() {
      fs.querySelectorAll("[data-kind]").forEach(function (el) { el.hidden = kind.value !== el.getAttribute("data-kind") && !keep(el); });
    }
    kind.addEventListener("change", byKind);
    byKind();
  });
});
