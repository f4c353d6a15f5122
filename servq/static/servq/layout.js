// Phone layout, added by script so that without it every page still works as a plain table and menu.
// 1. The main menu folds behind a 「選單」 button on a narrow screen (aria-expanded says its state).
// 2. Each data table's cells carry their column's name (data-label), so under 600 px the CSS can show
//    every row as a card of "column: value" lines instead of columns one character wide.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  var button = document.querySelector(".nav-toggle");
  var nav = document.getElementById("main-nav");
  if (button && nav) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    });
  }

  // The staff menu's groups (<details>): one open at a time; a click elsewhere or Escape closes it.
  var groups = document.querySelectorAll(".nav-group details");
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) { return; }
      groups.forEach(function (other) { if (other !== group) { other.open = false; } });
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (group.open && !group.contains(event.target)) { group.open = false; } });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    groups.forEach(function (group) {
      if (group.open) { group.open = false; group.querySelector("summary").focus(); }
    });
  });

  // 3. A 「列印本頁」 button (data-print) prints the page: the citizen keeps their case number.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("table").forEach(function (table) {
    var head = table.tHead;
    if (!head || !head.rows.length || table.hasAttribute("data-no-cards")) { return; }
    var names = Array.prototype.map.call(head.rows[0].cells, function (cell) {
      return cell.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (names[column] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", names[column]); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("cards");
  });
})();
