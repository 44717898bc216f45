/*
 * The signal registration form (intake/signals/create.html): when "acuut" is chosen, show 112 and the police route
 * at once instead of after submitting. Without this script the page shows them when it comes back as acute.
 */
(function () {
  "use strict";

  var route = document.querySelector("[data-acute-route]");
  var choices = document.querySelectorAll("input[data-urgency]");
  if (!route || !choices.length) {
    return;
  }
  choices.forEach(function (choice) {
    choice.addEventListener("change", function () {
      route.hidden = !(choice.checked && choice.value === "acute");
    });
  });
})();
