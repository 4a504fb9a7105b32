/* The header's menu on phones. Without this script the menu simply stays open (the header
 * wraps onto more lines); with it, phones get one line and a "Menu" button that expands it. */
(function () {
  "use strict";
  var header = document.querySelector("[data-menu]");
  if (!header) return;
  var toggle = header.querySelector(".menu-toggle");
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  header.classList.add("site-header--collapsible");
  toggle.hidden = false;

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
})();

/* Filters sit behind a "Filter" button on phones; on wider screens there is room to show them open. */
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 60rem)").matches) return;
  Array.prototype.forEach.call(document.querySelectorAll("details.filters-toggle"), function (details) {
    details.open = true;
  });
})();
