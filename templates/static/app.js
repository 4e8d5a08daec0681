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
// organisation fields by the party's kind. A field holding a value or a message always stays visible.
function fuyiKeep(el) { return el.querySelector(".field-error") || Array.prototype.some.call(el.querySelectorAll("input:not([type=checkbox]):not([type=radio])"), function (i) { return i.value !== ""; }); }
function fuyiByKind(fs) {
  var kind = fs.querySelector("select[name$='.kind']");
  if (!kind) { return; }
  fs.querySelectorAll("[data-kind]").forEach(function (el) { el.hidden = kind.value !== el.getAttribute("data-kind") && !fuyiKeep(el); });
}
document.addEventListener("DOMContentLoaded", function () {
  var channel = document.querySelector("select[name=channel]");
  function byChannel() {
    document.querySelectorAll("[data-show-channel]").forEach(function (el) { el.hidden = channel.value !== el.getAttribute("data-show-channel") && !fuyiKeep(el); });
  }
  if (channel) { channel.addEventListener("change", byChannel); byChannel(); }
  document.querySelectorAll("fieldset[data-party]").forEach(fuyiByKind);
  document.addEventListener("change", function (e) {
    if (e.target.matches("fieldset[data-party] select[name$='.kind']")) { fuyiByKind(e.target.closest("fieldset")); }
  });
});

// The window's intake, keyboard first: Enter in a party's row adds another of the same kind (申请人, 委托代理人,
// 第三人) and Enter in a new blank row leaves the list; elsewhere Enter moves to the next field and
// Ctrl+Enter submits. Rows are added and removed in the page (the server also answers the buttons without
// JavaScript). A 居民身份证号码 shows the sex and birth date it carries, or why it is wrong (GB 11643 check
// digit); dates typed as digits (20250926, 2025.9.26) become 2025-09-26.
(function () {
  var nums = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
  function cn(n) {
    if (n < 10) { return nums[n]; }
    if (n < 20) { return "十" + nums[n % 10]; }
    if (n < 100) { return nums[Math.floor(n / 10)] + "十" + nums[n % 10]; }
    return String(n);
  }
  function idInfo(v) {
    v = v.trim().toUpperCase();
    if (v.length < 18) { return null; }
    if (!/^\d{17}[\dX]$/.test(v)) { return { bad: true, text: "身份证号码应为18位：17位数字加1位数字或X" }; }
    var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], s = 0;
    for (var i = 0; i < 17; i++) { s += (v.charCodeAt(i) - 48) * w[i]; }
    if ("10X98765432".charAt(s % 11) !== v.charAt(17)) { return { bad: true, text: "身份证号码校验位错误，请核对" }; }
    var y = +v.substr(6, 4), m = +v.substr(10, 2), d = +v.substr(12, 2), dt = new Date(Date.UTC(y, m - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d || dt > new Date()) { return { bad: true, text: "身份证号码中的出生日期不存在" }; }
    return { bad: false, text: "性别：" + ((v.charCodeAt(16) - 48) % 2 ? "男" : "女") + "　出生日期：" + y + "年" + m + "月" + d + "日" };
  }
  function showID(input) {
    var out = input.parentNode.querySelector("output.derived"), fs = input.closest("fieldset");
    var type = fs ? fs.querySelector("select[name$='.id_type']") : null;
    if (!out) { return; }
    var info = (!type || type.value === "resident_id") ? idInfo(input.value) : null;
    out.textContent = info ? info.text : "";
    out.classList.toggle("bad", !!(info && info.bad));
  }
  function typedDate(v) {
    v = v.trim();
    if (/^\d{8}$/.test(v)) { v = v.substr(0, 4) + "-" + v.substr(4, 2) + "-" + v.substr(6, 2); }
    var m = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$/.exec(v);
    if (!m) { return v; }
    return m[1] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[3]).slice(-2);
  }
  function controls(form) {
    return Array.prototype.filter.call(form.elements, function (x) {
      return x.tagName !== "FIELDSET" && x.tagName !== "OUTPUT" && x.type !== "hidden" && !x.disabled && x.tabIndex >= 0 && x.offsetParent !== null;
    });
  }
  function blank(fs) {
    return !Array.prototype.some.call(fs.querySelectorAll("input:not([type=checkbox])"), function (i) { return i.value.trim() !== ""; });
  }
  function renumber(section) {
    section.querySelectorAll("fieldset[data-party]").forEach(function (fs, i) {
      var no = fs.querySelector(".row-no");
      if (no) { no.textContent = cn(i + 1); }
    });
  }
  // the parties an agent may represent, as the page now has them: 申请人（一）张三 …
  function refreshPrincipals(form) {
    var list = [];
    [["applicants", "申请人"], ["third_parties", "第三人"]].forEach(function (g) {
      var section = form.querySelector("section[data-group='" + g[0] + "']");
      if (!section) { return; }
      section.querySelectorAll("fieldset[data-party]").forEach(function (fs, i) {
        var name = fs.querySelector("input[name$='.name']");
        list.push({ value: g[0] + "[" + fs.getAttribute("data-index") + "]", label: g[1] + "（" + cn(i + 1) + "）" + (name ? name.value.trim() : "") });
      });
    });
    form.querySelectorAll("select[data-principals]").forEach(function (sel) {
      var was = sel.value, kept = list.some(function (p) { return p.value === was; });
      while (sel.options.length > list.length) { sel.remove(sel.options.length - 1); }
      list.forEach(function (p, i) {
        var o = sel.options[i] || sel.appendChild(document.createElement("option"));
        o.value = p.value;
        o.textContent = p.label;
      });
      if (kept) { sel.value = was; }
      var note = sel.parentNode.querySelector("small.principal-gone");
      if (!kept && was && !note) { // the party it represented was deleted: say so, the first party is shown
        note = document.createElement("small");
        note.className = "warn principal-gone";
        note.textContent = "原被代理人已删除，请重新选择";
        sel.parentNode.appendChild(note);
      }
    });
  }
  function addRow(section) {
    var tpl = section.querySelector("template[data-row-template]"), next = 0;
    section.querySelectorAll("fieldset[data-party]").forEach(function (fs) { next = Math.max(next, +fs.getAttribute("data-index") + 1); });
    var fs = tpl.content.querySelector("fieldset").cloneNode(true);
    fs.setAttribute("data-index", String(next));
    fs.querySelectorAll("[name], button[value]").forEach(function (el) {
      if (el.name) { el.name = el.name.replace("__i__", String(next)); }
      if (el.value && el.tagName === "BUTTON") { el.value = el.value.replace("__i__", String(next)); }
    });
    section.insertBefore(fs, tpl);
    renumber(section);
    fuyiByKind(fs);
    refreshPrincipals(section.closest("form"));
    var name = fs.querySelector("input[name$='.name']");
    if (name) { name.focus(); }
    return fs;
  }
  function removeRow(fs) {
    var section = fs.closest("section[data-group]");
    fs.remove();
    renumber(section);
    refreshPrincipals(section.closest("form"));
    section.querySelector("button.add-row").focus();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.intake");
    if (!form) { return; }
    form.querySelectorAll("input[data-idnumber]").forEach(showID);
    refreshPrincipals(form);
    form.addEventListener("input", function (e) {
      if (e.target.matches("input[data-idnumber]")) { showID(e.target); }
      if (e.target.matches("section[data-group=applicants] input[name$='.name'], section[data-group=third_parties] input[name$='.name']")) { refreshPrincipals(form); }
    });
    form.addEventListener("change", function (e) {
      if (e.target.matches("select[name$='.id_type']")) { var i = e.target.closest("fieldset").querySelector("input[data-idnumber]"); if (i) { showID(i); } }
      if (e.target.matches("input[data-date]")) { e.target.value = typedDate(e.target.value); }
    });
    form.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) { return; }
      if (b.classList.contains("add-row")) { e.preventDefault(); addRow(b.closest("section[data-group]")); }
      if (b.classList.contains("remove-row")) { e.preventDefault(); removeRow(b.closest("fieldset[data-party]")); }
    });
    // a keypress of Enter would submit the form by its first button: the keydown below decides instead
    form.addEventListener("keypress", function (e) { if (e.key === "Enter" && e.target.tagName === "INPUT") { e.preventDefault(); } });
    form.addEventListener("keydown", function (e) {
      if (e.key !== "Enter" || e.isComposing || e.keyCode === 229) { return; } // Enter that confirms a Chinese input method's choice
      var t = e.target;
      if (e.ctrlKey || e.metaKey) { e.preventDefault(); form.querySelector("button.big").click(); return; }
      if (t.tagName === "TEXTAREA" || t.tagName === "BUTTON") { return; }
      e.preventDefault();
      if (t.matches("input[data-date]")) { t.value = typedDate(t.value); }
      var row = t.closest("fieldset[data-party]"), list = controls(form), at = list.indexOf(t);
      if (row && !blank(row)) { addRow(row.closest("section[data-group]")); return; }
      if (row) { // a blank row: leave the list, to the first field after it
        var section = row.closest("section[data-group]"), after = section.querySelector("button.add-row");
        at = list.indexOf(after);
        if (section.querySelectorAll("fieldset[data-party]").length > 1 || section.getAttribute("data-group") !== "applicants") { row.remove(); renumber(section); refreshPrincipals(form); }
        list = controls(form);
        at = list.indexOf(after);
      }
      if (at >= 0 && at + 1 < list.length) { list[at + 1].focus(); }
    });
  });
})();

// The holiday calendar editor: a click on a day of the month grids marks it — a working day becomes 休
// (放假) and back; a weekend becomes 班 (调休上班), then 休, then back — and rewrites the text box, which is
// what the form sends (and what works without JavaScript). A new day takes the name typed above the grid,
// else the name of a marked day within a week of it. Typing in the text box repaints the grid.
document.addEventListener("DOMContentLoaded", function () {
  var text = document.querySelector("textarea[data-calendar-text]");
  if (!text) { return; }
  var nameBox = document.querySelector("input[data-mark-name]");
  function read() {
    var st = { days: {}, other: [] };
    text.value.split("\n").forEach(function (line) {
      var p = line.replace(/，/g, ",").split(",").map(function (s) { return s.trim(); });
      if (p.length === 3 && /^\d{4}-\d{2}-\d{2}$/.test(p[0]) && /^(休|班|放假|上班|调休上班|holiday|workday)$/.test(p[1]) && p[2] !== "") {
        st.days[p[0]] = { kind: /^(班|上班|调休上班|workday)$/.test(p[1]) ? "班" : "休", name: p[2] };
      } else if (line.trim() !== "") {
        st.other.push(line); // kept as typed: the save names what is wrong with it
      }
    });
    return st;
  }
  function write(st) {
    text.value = Object.keys(st.days).sort().map(function (k) { return k + "," + st.days[k].kind + "," + st.days[k].name; }).concat(st.other).join("\n");
  }
  function paint() {
    var st = read();
    document.querySelectorAll("button.cal-day").forEach(function (b) {
      var d = st.days[b.getAttribute("data-date")], s = b.querySelector("small");
      b.classList.toggle("hol", !!d && d.kind === "休");
      b.classList.toggle("work", !!d && d.kind === "班");
      if (d && !s) { s = document.createElement("small"); b.appendChild(s); }
      if (d) { s.textContent = d.kind; } else if (s) { s.remove(); }
      b.title = b.getAttribute("data-date") + (d ? " " + d.name + (d.kind === "休" ? " 放假" : " 调休上班") : (b.classList.contains("weekend") ? " 周末" : ""));
    });
  }
  function nearName(st, k) {
    var t = Date.parse(k), best = "", gap = 8;
    Object.keys(st.days).forEach(function (x) {
      var g = Math.abs(Date.parse(x) - t) / 86400000;
      if (g < gap) { gap = g; best = st.days[x].name; }
    });
    return best;
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button.cal-day");
    if (!b || b.disabled) { return; }
    var st = read(), k = b.getAttribute("data-date"), d = st.days[k], weekend = b.classList.contains("weekend");
    if (!d) {
      var name = (nameBox && nameBox.value.trim()) || nearName(st, k);
      if (!name) { if (nameBox) { nameBox.classList.add("need"); nameBox.focus(); } return; }
      st.days[k] = { kind: weekend ? "班" : "休", name: name };
    } else if (weekend && d.kind === "班") {
      st.days[k] = { kind: "休", name: d.name };
    } else {
      delete st.days[k];
    }
    if (nameBox) { nameBox.classList.remove("need"); }
    write(st);
    paint();
  });
  text.addEventListener("input", paint);
});

// Case page: the actions possible now are listed at the top — every form the page offers this user in this
// state (the server draws only those), by its heading — and a click opens its section and goes there.
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.querySelector("[data-now-actions]");
  if (!nav) { return; }
  var items = [], seen = {};
  function add(el, label, open) {
    label = label.replace(/（[^）]*）/g, "").trim();
    if (!label || seen[label]) { return; }
    seen[label] = true;
    items.push({ el: el, label: label, open: open });
  }
  document.querySelectorAll("main details").forEach(function (d) {
    var s = d.querySelector(":scope > summary");
    if (s && d.querySelector("form") && !d.closest("table")) { add(d, s.textContent, true); }
  });
  document.querySelectorAll("main section.action").forEach(function (sec) {
    var h = sec.querySelector("h2"), f = sec.querySelector("form");
    if (h && f && !f.closest("details")) { add(sec, h.textContent, false); }
  });
  items.sort(function (a, b) { return a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1; });
  items.forEach(function (it, i) {
    if (!it.el.id) { it.el.id = "now-" + i; }
    var a = document.createElement("a");
    a.href = "#" + it.el.id;
    a.className = "button";
    a.textContent = it.label;
    a.addEventListener("click", function () { if (it.open) { it.el.open = true; } });
    nav.appendChild(document.createTextNode(" "));
    nav.appendChild(a);
  });
  nav.hidden = items.length === 0;
});
