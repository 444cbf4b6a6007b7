// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';
document.body.classList.add('js-enabled', 'govuk-frontend-supported');
initAll();

// A filter the server refuses is sent again as a plain form, so the page comes back whole with
// its error summary and the field's message (htmx swaps only the results).
document.body.addEventListener('htmx:responseError', (event) => {
  const form = event.detail.elt.closest('form');
  if (form) {
    form.submit();
  }
});
