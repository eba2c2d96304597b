/* The report's Print button (progress/report.html): shown only when this script runs, since the
 * CSP (script-src 'self') forbids an inline onclick. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
