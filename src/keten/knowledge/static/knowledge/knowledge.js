// Kennisbank pages: the "Print als handout" button (hidden without JavaScript: the browser's print works anyway).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
