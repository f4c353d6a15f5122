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
