/* After a failed submit the page comes back with a summary of what to correct: focus moves to it
   (WCAG 2.4.3, 3.3.1), so a keyboard or screen-reader user starts there instead of at the top of
   the page. A form that shows its errors only beside the fields gets its first invalid field
   focused instead.
   Loaded from base.html as a file: the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";

  function focusErrors() {
    var target = document.querySelector("main [data-error-summary]") || document.querySelector("main [aria-invalid='true']");
    if (!target) {
      return;
    }
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }
})();
