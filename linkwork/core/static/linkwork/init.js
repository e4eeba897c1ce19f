// Start the NHS.UK frontend components (error summary focus, header menu, and so on).
import { initAll } from "/static/vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
