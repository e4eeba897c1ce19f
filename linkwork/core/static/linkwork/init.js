// Start the NHS.UK frontend components (error summary focus, header menu, and so on).
// A module runs only where the frontend is supported, so both classes are set here rather
// than by an inline script, which the Content-Security-Policy refuses.
import { initAll } from "/static/vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

// A "Print" button prints the page (its print styles show the content alone). It is hidden
// in the markup, so without JavaScript no button that does nothing is shown.
for (const button of document.querySelectorAll("[data-lw-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
