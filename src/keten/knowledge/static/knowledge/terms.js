// Tooltips of the kennisbank's terms (templatetags/knowledge.py): a click toggles the definition, Escape hides it.
// Hover and focus show it through CSS alone, so the definition is there without this script too.
(function () {
  "use strict";

  function setOpen(term, open) {
    term.classList.toggle("keten-term--open", open);
    term.classList.toggle("keten-term--dismissed", !open);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".keten-term__button");
    if (button) {
      var term = button.closest(".keten-term");
      setOpen(term, !term.classList.contains("keten-term--open"));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    document.querySelectorAll(".keten-term").forEach(function (term) {
      setOpen(term, false);
    });
  });

  document.addEventListener("mouseover", function (event) {
    var term = event.target.closest(".keten-term--dismissed");
    if (term && !term.contains(document.activeElement)) {
      term.classList.remove("keten-term--dismissed");
    }
  });
})();
