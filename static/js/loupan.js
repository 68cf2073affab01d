/* Loupan: small progressive enhancements. Pages work without this file. */
(function () {
  "use strict";

  // <form data-confirm="..."> asks before submitting (release, transfer, deactivate).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // htmx forms with data-confirm: htmx listens to submit itself, so confirm there too.
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    var question = elt && elt.getAttribute && elt.getAttribute("data-confirm");
    if (question) {
      event.preventDefault();
      if (window.confirm(question)) { event.detail.issueRequest(true); }
    }
  });

  // <select data-autosubmit> submits its form on change (the language switch).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
})();
