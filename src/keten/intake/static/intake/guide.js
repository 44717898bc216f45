/*
 * The print button of the Aanmeldwijzer's text for a person: hidden in the page, shown only where this script
 * runs, because printing from a button needs JavaScript. Without it the browser's own print gives the same paper.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
