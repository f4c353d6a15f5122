// Unsaved changes: a form marked data-warn-unsaved remembers that something was typed or chosen,
// and the browser asks before the page is left (a link, a reload, closing the tab) until the form
// itself is submitted. Typed text is never dropped silently.
(function () {
  "use strict";
  var dirty = new Set();
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) { dirty.add(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-warn-unsaved")) { dirty.add(form); }
  });
  document.addEventListener("submit", function (event) { dirty.delete(event.target); });
  window.addEventListener("beforeunload", function (event) {
    if (dirty.size > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();

// Drafts kept in this tab: text typed in a form marked data-keep-draft is remembered (sessionStorage,
// this tab only, gone when it closes) until that form itself is sent. Pressing another form's button
// on the same page (分派 while a reply is half written) reloads the page; the draft comes back.
(function () {
  "use strict";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  function key(field) {
    return "servq-draft:" + window.location.pathname + ":" + (field.form.getAttribute("action") || "") + ":" + field.name;
  }
  function kept(form) {
    return Array.prototype.filter.call(form.querySelectorAll("textarea[name], input[type=text][name], input:not([type])[name]"),
      function (field) { return field.name !== "csrfmiddlewaretoken"; });
  }
  document.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
    kept(form).forEach(function (field) {
      var draft = store.getItem(key(field));
      if (draft !== null && field.value === "") {
        field.value = draft;
        form.setAttribute("data-draft-restored", "");
      }
    });
  });
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.form && field.form.hasAttribute("data-keep-draft") && field.name) {
      store.setItem(key(field), field.value);
    }
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-keep-draft")) {
      kept(event.target).forEach(function (field) { store.removeItem(key(field)); });
    }
  });
})();

// A form that came back with errors: its summary (at the top of the form) takes the focus, so on a
// phone the page opens on what to fix, not at the top of a long page with the error out of sight.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
})();
