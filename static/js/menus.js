/* The header's menus are <details data-menu> disclosures: they open and close without
   JavaScript. With it, Escape closes the open one (focus goes back to its button when it
   was inside), and a click elsewhere on the page closes it, as menus do elsewhere. */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details[data-menu][open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      menu.open = false;
      if (hadFocus) menu.querySelector("summary").focus();
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
