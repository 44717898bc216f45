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

/*
 * While a phone number, address, plate, ... is typed: ask whether it ties this signal to others the person may see,
 * and say so under the row (a polite live region). The form works the same without it.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-hint-url]");
  if (!form || !window.fetch) {
    return;
  }
  form.querySelectorAll("[data-entity-hint]").forEach(function (hint) {
    var row = hint.closest("fieldset");
    var kind = row.querySelector("select[name$='-kind']");
    var value = row.querySelector("input[name$='-value']");
    if (!kind || !value) {
      return;
    }
    function ask() {
      if (!kind.value || !value.value.trim()) {
        hint.textContent = "";
        return;
      }
      var url = form.dataset.hintUrl + "?" + new URLSearchParams({soort: kind.value, waarde: value.value});
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {text: ""}; })
        .then(function (answer) { hint.textContent = answer.text; })
        .catch(function () { hint.textContent = ""; });
    }
    value.addEventListener("change", ask);
    kind.addEventListener("change", ask);
  });
})();
