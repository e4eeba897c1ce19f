// Start the NHS.UK frontend components (error summary focus, header menu, and so on).
// A module runs only where the frontend is supported, so both classes are set here rather
// than by an inline script, which the Content-Security-Policy refuses.
import { initAll } from "/static/vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
