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

// Drafts that survive a reload: a form marked data-autosave keeps what is typed in this browser
// (localStorage, under the form's address) a moment after each change, and fills itself back on the next
// visit with a note saying so. Sending the form clears the copy: after a refusal the server sends the form
// back filled (web.FormState), after success it is no longer needed.
(function () {
  var store;
  try { store = window.localStorage; } catch (e) { return; }
  if (!store) { return; }
  function fields(f) { return Array.prototype.filter.call(f.elements, function (el) { return el.name && el.name !== "_csrf" && el.name !== "version" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button"; }); }
  function save(f, key) {
    var data = {};
    fields(f).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); } }
      else { data[el.name] = el.value; }
    });
    store.setItem(key, JSON.stringify({ at: new Date().toISOString(), data: data }));
    var s = f.querySelector(".autosave-status");
    if (s) { s.textContent = "草稿已自动保存（" + new Date().toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" }) + "）"; }
  }
  function restore(f, saved) {
    fields(f).forEach(function (el) {
      if (!(el.name in saved.data)) { if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } return; }
      var v = saved.data[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0; }
      else { el.value = v; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (f) {
      var key = "fuyi-draft:" + f.getAttribute("action"), timer = null;
      var status = document.createElement("p");
      status.className = "hint autosave-status";
      status.setAttribute("role", "status");
      f.insertBefore(status, f.firstChild);
      var raw = store.getItem(key);
      if (f.hasAttribute("data-failed")) {
        save(f, key); // refused: what the server sent back is the draft, so a reload keeps it
      } else if (raw) {
        try {
          var saved = JSON.parse(raw);
          restore(f, saved);
          status.textContent = "已恢复您未提交的草稿（自动保存于 " + new Date(saved.at).toLocaleString("zh-CN") + "）。";
          var d = f.closest("details"); if (d) { d.open = true; }
        } catch (e) { store.removeItem(key); }
      }
      var later = function () { clearTimeout(timer); timer = setTimeout(function () { save(f, key); }, 400); };
      f.addEventListener("input", later);
      f.addEventListener("change", later);
      f.addEventListener("submit", function (e) { if (!e.defaultPrevented) { clearTimeout(timer); store.removeItem(key); } });
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
